using Partisan;

namespace Partisan.Bench;

/// <summary>
/// The second process: a node with an echo process, 16 throughput sinks, a "bulk" process that acknowledges
/// every <see cref="Bulk"/> message, and a "stats" process that reports this process's counters. Prints
/// READY with its name and address, and stops when its standard input closes (the client ended or died).
/// </summary>
internal static class BenchServer
{
    public const int Sinks = 16;

    public static async Task<int> RunAsync(string name, string mode, string secret)
    {
        var options = new PartisanOptions { NodeName = name, ClusterSecret = secret };
        options.ListenAddresses.Add("127.0.0.1:0");
        BenchChannels.Configure(options, mode);
        await using PartisanNode node = await PartisanNode.StartAsync(options);
        node.Spawn(async ctx =>
        {
            while (true)
            {
                var echo = (Echo)await ctx.ReceiveAsync();
                node.Send(echo.ReplyTo, echo.Payload);
            }
        }, "echo");
        for (int i = 0; i < Sinks; i++)
        {
            node.Spawn(async ctx =>
            {
                long count = 0;
                while (true)
                {
                    object message = await ctx.ReceiveAsync();
                    if (message is Pid replyTo)
                    {
                        node.Send(replyTo, count);
                        count = 0;
                    }
                    else
                    {
                        count++;
                        (message as PooledBytes)?.Dispose(); // received in pooled memory: give it back
                    }
                }
            }, "sink" + i);
        }

        node.Spawn(async ctx =>
        {
            while (true)
            {
                var bulk = (Bulk)await ctx.ReceiveAsync();
                bulk.Payload.Dispose(); // received in pooled memory: give it back
                var reply = new ForwardOptions { Channel = bulk.Channel, PartitionKey = bulk.Key };
                node.ForwardMessage(bulk.ReplyTo.Node, bulk.ReplyTo, bulk.Key, reply);
            }
        }, "bulk");
        node.Spawn(async ctx =>
        {
            while (true)
            {
                var replyTo = (Pid)await ctx.ReceiveAsync();
                node.Send(replyTo, Counters.Take().ToArray());
            }
        }, "stats");

        await EchoServer.StartAsync(node, EchoServer.Name);
        Console.WriteLine($"READY {node.Name} {node.ListenAddresses[0]}");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        return 0;
    }
}

/// <summary>The channels of each kind of session; both processes configure the same.</summary>
internal static class BenchChannels
{
    public const string Direct = "direct";
    public const string Proxied = "proxied";

    /// <summary>Throughput senders spread over this channel's connections by sender.</summary>
    public const string Data = "data";

    /// <summary>The HOL experiment's separate channel for the large messages.</summary>
    public const string BulkChannel = "bulk";

    public const int BulkParallelism = 4;

    /// <summary>Latency experiment: one connection.</summary>
    public const string Single = "lat1";

    /// <summary>Latency experiment: 16 connections, one per sender by partition key.</summary>
    public const string Parallel = "lat16";

    public const int ParallelConnections = 16;

    /// <summary>The causal label of the acked part's causal modes (configured on both processes, as causal delivery needs).</summary>
    public const string CausalLabel = "bench";

    /// <summary>The environment variable <c>--protection</c> sets for this process and the server it starts.</summary>
    public const string ProtectionVariable = "PARTISAN_BENCH_PROTECTION";

    public static void Configure(PartisanOptions options, string mode)
    {
        if (Enum.TryParse(Environment.GetEnvironmentVariable(ProtectionVariable), out Partisan.Transport.FrameProtection protection))
        {
            options.FrameProtection = protection;
        }

        options.Delivery.CausalLabels.Add(CausalLabel);
        if (mode == Proxied)
        {
            options.Channels.Add(new ChannelOptions(Single, parallelism: 1));
            options.Channels.Add(new ChannelOptions(Parallel, parallelism: ParallelConnections));
        }
        else
        {
            options.Channels.Add(new ChannelOptions(Data, parallelism: 4));
            options.Channels.Add(new ChannelOptions(BulkChannel, parallelism: BulkParallelism));
        }
    }
}
