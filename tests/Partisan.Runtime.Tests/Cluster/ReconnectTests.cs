using Partisan.Transport;
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
            var killed = a.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == b.Name && c.ChannelName == ChannelOptions.DefaultName);
            killed.Close("killed_by_test");
            await Eventually.True(() => !ReferenceEquals(a.ConnectionManager.OpenConnections().SingleOrDefault(c => c.ChannelName == ChannelOptions.DefaultName), killed) && !a.IsConnected(b.Name, ChannelOptions.DefaultName), "the killed connection is gone");

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

    [Fact]
    public async Task A_peer_that_reconnects_at_once_under_the_same_name_keeps_its_new_connection()
    {
        // Issue 11 bug 5: the old connection's close removed the route between the new connection's reservation and
        // its start, so the welcomed connection was closed as "superseded" (2-3 of 50 rounds).
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync("acceptor");
        RawPeer? previous = null;
        try
        {
            for (int round = 0; round < 50; round++)
            {
                RawPeer? current = null;
                for (int attempt = 0; current is null; attempt++)
                {
                    RawPeer dialing = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
                    if (previous is not null)
                    {
                        await previous.DisposeAsync(); // the old connection goes as the new one's handshake starts
                        previous = null;
                    }

                    try
                    {
                        await dialing.HandshakeAsync("flapper@127.0.0.1", "test-cluster-secret");
                        current = dialing;
                    }
                    catch (HandshakeException ex) when (ex.Reason == HandshakeFailure.Duplicate && attempt < 20)
                    {
                        // Refused while the node still counted the old connection: legitimate; dial again.
                        await dialing.DisposeAsync();
                        await Task.Delay(10);
                    }
                }

                // The node answers a ping on the new connection: it was not closed behind the welcome (a close ends the
                // read at once; the bound is only for a node slowed by the rest of the suite: it failed once at 10 s).
                await current.WritePingAsync(round);
                byte[] pong = await current.ReadFrameAsync().WaitAsync(Eventually.DefaultTimeout);
                Assert.Equal(13, pong[0]);
                previous = current;
            }
        }
        finally
        {
            if (previous is not null)
            {
                await previous.DisposeAsync();
            }
        }
    }
}
