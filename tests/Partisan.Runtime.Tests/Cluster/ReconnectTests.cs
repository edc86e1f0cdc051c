using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

/// <summary>Lost connections come back after <see cref="PartisanOptions.ReconnectMinDelay"/>, not at the next gossip tick.</summary>
public class ReconnectTests
{
    [Fact]
    public async Task A_killed_connection_is_redialed_after_the_reconnect_delay_on_virtual_time_without_a_gossip_tick()
    {
        var clock = new ManualTimeProvider();
        await using var nodes = new TestNodes();
        PartisanNode[] pair = await nodes.StartClusterAsync(2, o =>
        {
            o.TimeProvider = clock;
            o.GossipInterval = TimeSpan.FromHours(1); // a redial that waits for the gossip tick never comes in this test
            o.ReconnectMinDelay = TimeSpan.FromMilliseconds(100);
            o.ReconnectMaxDelay = TimeSpan.FromSeconds(1);
            o.KeepAlive.Enabled = false;
        });
        PartisanNode a = pair[0];
        PartisanNode b = pair[1];
        var downs = 0;
        using IDisposable subscription = a.OnDown((_, _) => Interlocked.Increment(ref downs));

        for (int round = 0; round < 3; round++)
        {
            var killed = a.Connections.OpenConnections().Single(c => c.Peer.Name == b.Name && c.ChannelName == ChannelOptions.DefaultName);
            killed.Close("killed_by_test");
            await Eventually.True(() => !ReferenceEquals(a.Connections.OpenConnections().SingleOrDefault(c => c.ChannelName == ChannelOptions.DefaultName), killed) && !a.IsConnected(b.Name, ChannelOptions.DefaultName), "the killed connection is gone");

            // Nothing redials before the delay...
            clock.Advance(TimeSpan.FromMilliseconds(40));
            await Task.Delay(50);
            Assert.False(a.IsConnected(b.Name, ChannelOptions.DefaultName));

            // ...and the redial after it restores the slot (membership stays connected, so the node never goes down).
            for (int step = 0; step < 10 && !a.IsConnected(b.Name, ChannelOptions.DefaultName); step++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(20));
                await Task.Delay(20);
            }

            await Eventually.True(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), $"round {round}: the slot is back within the reconnect delay");
        }

        Assert.Equal(0, Volatile.Read(ref downs));
    }
}
