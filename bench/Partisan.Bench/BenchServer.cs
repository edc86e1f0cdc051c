using Partisan;

namespace Partisan.Bench;

/// <summary>The second process: a node with an echo process and 16 sinks; prints READY and waits for stdin to close.</summary>
internal static class BenchServer
{
    public const int Sinks = 16;

    public static async Task<int> RunAsync(string name, string secret)
    {
        var options = new PartisanOptions { NodeName = name, ClusterSecret = secret };
        options.ListenAddresses.Add("127.0.0.1:0");
        BenchChannels.Configure(options);
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
                    }
                }
            }, "sink" + i);
        }

        Console.WriteLine($"READY {node.Name} {node.ListenAddresses[0]}");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        return 0;
    }
}

internal static class BenchChannels
{
    public static void Configure(PartisanOptions options)
    {
        options.Channels.Add(new ChannelOptions("data", parallelism: 4));
    }
}
