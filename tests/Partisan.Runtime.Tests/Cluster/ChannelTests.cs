using System.Collections.Concurrent;
using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class ChannelTests
{
    private static void WithChannels(PartisanOptions options)
    {
        options.Channels.Add(new ChannelOptions("par", parallelism: 4));
        options.Channels.Add(new ChannelOptions("bulk", parallelism: 2));
        options.Channels.Add(new ChannelOptions("zipped", compression: ChannelCompression.Deflate));
        options.Channels.Add(new ChannelOptions("brotli", compression: ChannelCompression.Brotli));
    }

    [Fact]
    public async Task Each_channel_has_parallelism_connections_per_peer()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, WithChannels);
        Assert.True(cluster[0].IsFullyConnected(cluster[1].Name));
        Assert.True(cluster[0].IsConnected(cluster[1].Name, "par"));
        // default 1 + membership 1 + par 4 + bulk 2 + zipped 1 + brotli 1, one set shared by both directions
        Assert.Equal(10, cluster[0].Metrics.Connections);
        Assert.Equal(10, cluster[1].Metrics.Connections);
    }

    [Fact]
    public async Task Messages_with_the_same_partition_key_arrive_in_order_under_concurrent_senders()
    {
        const int senders = 8;
        const int perSender = 2000;
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, WithChannels);
        var done = new TaskCompletionSource<Dictionary<long, List<long>>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid sink = cluster[1].Spawn(async ctx =>
        {
            var bySender = new Dictionary<long, List<long>>();
            for (int i = 0; i < senders * perSender; i++)
            {
                var message = (long[])await ctx.ReceiveAsync();
                if (!bySender.TryGetValue(message[0], out List<long>? list))
                {
                    bySender[message[0]] = list = new List<long>();
                }

                list.Add(message[1]);
            }

            done.SetResult(bySender);
        });

        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            var options = new ForwardOptions { Channel = "par", PartitionKey = s };
            for (long seq = 0; seq < perSender; seq++)
            {
                Assert.True(cluster[0].ForwardMessage(cluster[1].Name, sink, new[] { s, seq }, options));
            }
        })));

        Dictionary<long, List<long>> received = await Eventually.Within(done.Task, "all messages");
        Assert.Equal(senders, received.Count);
        foreach ((long sender, List<long> seqs) in received)
        {
            Assert.Equal(Enumerable.Range(0, perSender).Select(i => (long)i), seqs);
        }
    }

    [Fact]
    public async Task A_large_message_on_one_channel_does_not_hold_back_small_messages_on_another()
    {
        const int bigCount = 8;
        const int bigSize = 8 * 1024 * 1024;
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, WithChannels);
        var order = new ConcurrentQueue<string>();
        var allBig = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var small = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid bigSink = cluster[1].Spawn(async ctx =>
        {
            for (int i = 0; i < bigCount; i++)
            {
                Assert.Equal(bigSize, ((byte[])await ctx.ReceiveAsync()).Length);
                order.Enqueue("big");
            }

            allBig.SetResult();
        });
        Pid smallSink = cluster[1].Spawn(async ctx =>
        {
            await ctx.ReceiveAsync();
            order.Enqueue("small");
            small.SetResult();
        });
        byte[] payload = new byte[bigSize];

        for (int i = 0; i < bigCount; i++)
        {
            Assert.True(cluster[0].ForwardMessage(cluster[1].Name, bigSink, payload, new ForwardOptions { Channel = "bulk", PartitionKey = 1 }));
        }

        Assert.True(cluster[0].Send(smallSink, "small"));
        await Eventually.Within(Task.WhenAll(allBig.Task, small.Task), "all messages");

        // 64 MiB queued on "bulk" first; the small message on "default" still arrives before the last big one.
        Assert.NotEqual("small", order.Last());
    }

    [Fact]
    public async Task On_the_same_channel_and_key_a_small_message_waits_behind_large_ones()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, WithChannels);
        var order = new ConcurrentQueue<object>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid sink = cluster[1].Spawn(async ctx =>
        {
            for (int i = 0; i < 5; i++)
            {
                order.Enqueue(await ctx.ReceiveAsync());
            }

            done.SetResult();
        });

        for (int i = 0; i < 4; i++)
        {
            cluster[0].ForwardMessage(cluster[1].Name, sink, new byte[2 * 1024 * 1024], new ForwardOptions { Channel = "bulk" });
        }

        cluster[0].ForwardMessage(cluster[1].Name, sink, "small", new ForwardOptions { Channel = "bulk" });
        await Eventually.Within(done.Task, "all messages");
        Assert.Equal("small", order.Last());
    }

    [Theory]
    [InlineData("zipped")]
    [InlineData("brotli")]
    public async Task Compressed_channels_deliver_exact_payloads_and_send_fewer_bytes(string channel)
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, WithChannels);
        var probe = Probe.Start(cluster[1]);
        string text = string.Concat(Enumerable.Repeat("partisan compresses repetitive payloads; ", 5000));
        byte[] bytes = new byte[100_000];
        new Random(7).NextBytes(bytes.AsSpan(0, 1000));

        Assert.True(cluster[0].ForwardMessage(cluster[1].Name, probe.Pid, text, ForwardOptions.OnChannel(channel)));
        Assert.True(cluster[0].ForwardMessage(cluster[1].Name, probe.Pid, bytes, ForwardOptions.OnChannel(channel)));
        Assert.True(cluster[0].ForwardMessage(cluster[1].Name, probe.Pid, "tiny", ForwardOptions.OnChannel(channel)));

        Assert.Equal(text, await probe.NextAsync());
        Assert.Equal(bytes, await probe.NextAsync());
        Assert.Equal("tiny", await probe.NextAsync());
    }

    [Fact]
    public async Task Forwarding_on_an_unknown_channel_is_a_clear_error()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        var error = Assert.Throws<ArgumentException>(() => cluster[0].ForwardMessage(cluster[1].Name, new Pid(cluster[1].Name, 1), "x", ForwardOptions.OnChannel("nope")));
        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public async Task Sending_to_an_unknown_node_returns_false()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync();
        Assert.False(a.Send(new Pid(NodeName.Parse("nobody@127.0.0.1"), 1), "lost"));
    }
}
