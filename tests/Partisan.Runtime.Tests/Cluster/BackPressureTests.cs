using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class BackPressureTests
{
    [Fact]
    public async Task SendAsync_waits_for_room_instead_of_dropping_when_the_queue_is_full()
    {
        const int count = 3000;
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o =>
        {
            o.MaxFrameSize = 64 * 1024;
            o.MaxPendingBytesPerConnection = 128 * 1024; // 3000 x 4 KiB = 12 MiB go through a 128 KiB queue
        });
        var all = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid sink = cluster[1].Spawn(async ctx =>
        {
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(i, BitConverter.ToInt32((byte[])await ctx.ReceiveAsync()));
            }

            all.SetResult(count);
        });

        for (int i = 0; i < count; i++)
        {
            byte[] payload = new byte[4096];
            BitConverter.TryWriteBytes(payload, i);
            Assert.True(await cluster[0].SendAsync(sink, payload));
        }

        Assert.Equal(count, await Eventually.Within(all.Task, "every message arrives, in order"));
    }

    [Fact]
    public async Task SendAsync_to_an_unknown_node_completes_false()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync();
        Assert.False(await a.SendAsync(new Pid(NodeName.Parse("nobody@127.0.0.1"), 1), "lost"));
    }
}
