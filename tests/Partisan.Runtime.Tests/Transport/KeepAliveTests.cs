using Partisan.Tests.Support;

namespace Partisan.Tests.Transport;

public class KeepAliveTests
{
    [Fact]
    public async Task A_silent_half_open_peer_is_detected_on_virtual_time_and_reported_down()
    {
        var clock = new ManualTimeProvider();
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync("ka", o =>
        {
            o.TimeProvider = clock;
            o.KeepAlive.IdleTimeout = TimeSpan.FromSeconds(5);
            o.KeepAlive.Interval = TimeSpan.FromSeconds(1);
            o.KeepAlive.MaxAttempts = 3;
        });
        var down = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable subscription = node.OnDown((_, reason) => down.TrySetResult(reason));
        await using RawPeer silent = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await silent.HandshakeAsync("silent@127.0.0.1", "test-cluster-secret");
        await Eventually.True(() => node.Metrics.Connections == 1, "the connection is up");

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1, node.Metrics.Connections); // idle, but not for long enough

        for (int second = 0; second < 6 && !down.Task.IsCompleted; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal("ping_timeout", await Eventually.Within(down.Task, "the ping timeout"));
        await Eventually.Within(silent.WaitClosedAsync(), "the node closes the half-open connection");
        await Eventually.True(() => node.Metrics.Connections == 0, "the connection is gone");
    }

    [Fact]
    public async Task Answered_pings_keep_an_idle_connection_open_on_virtual_time()
    {
        var clock = new ManualTimeProvider();
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o =>
        {
            o.TimeProvider = clock;
            o.KeepAlive.IdleTimeout = TimeSpan.FromSeconds(5);
            o.KeepAlive.Interval = TimeSpan.FromSeconds(1);
            o.KeepAlive.MaxAttempts = 3;
        });
        var downs = 0;
        using IDisposable subscription = cluster[0].OnDown((_, _) => Interlocked.Increment(ref downs));
        var manager = cluster[0].ConnectionManager;
        int pinged = 0;

        // Thirty idle seconds, one at a time; after each step every ping sent gets its pong.
        for (int second = 0; second < 30; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            pinged += manager.OpenConnections().Count(c => c.PingsUnanswered > 0);
            await Eventually.True(() => manager.OpenConnections().All(c => c.PingsUnanswered == 0), "every ping is answered");
        }

        Assert.True(pinged > 0, "idle connections were pinged");
        Assert.Equal(0, Volatile.Read(ref downs));
        Assert.True(cluster[0].IsFullyConnected(cluster[1].Name));
    }
}
