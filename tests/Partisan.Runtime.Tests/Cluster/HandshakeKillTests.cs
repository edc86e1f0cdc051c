using Partisan.Connections;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Cluster;

/// <summary>
/// Issue 11: a kill that hits a handshake in progress delays a channel by one more reconnect delay and handshake, not
/// until the next gossip tick or the maximum backoff; a peer that cannot be reached again is reported down.
/// </summary>
public class HandshakeKillTests
{
    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_redial_whose_handshake_is_killed_is_redialed_within_the_reconnect_delay_on_virtual_time()
    {
        var clock = new ManualTimeProvider();
        var faultsA = new FaultyTransport(new TcpTransport());
        var faultsB = new FaultyTransport(new TcpTransport());
        void Common(PartisanOptions o)
        {
            o.TimeProvider = clock;
            o.GossipInterval = TimeSpan.FromHours(1); // a redial that waits for the gossip tick never comes in this test
            o.ReconnectMinDelay = MinDelay;
            o.ReconnectMaxDelay = TimeSpan.FromSeconds(30); // a redial that waits for the maximum backoff never comes either
            o.KeepAlive.Enabled = false;
        }

        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a", o => { Common(o); o.Transport = faultsA; });
        PartisanNode b = await nodes.StartAsync("b", o => { Common(o); o.Transport = faultsB; });
        await b.JoinAsync(a.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([a, b]), "the pair is connected");
        var downs = 0;
        using IDisposable subscription = a.OnDown((_, _) => Interlocked.Increment(ref downs));
        var probe = Probe.Start(b, "inbox");

        for (int round = 0; round < 3; round++)
        {
            // Both ends redial the slot; the handshake of each end's next dial is reset after the Challenge.
            faultsA.FailDialsAfterChallenge(1);
            faultsB.FailDialsAfterChallenge(1);
            int failedBefore = Volatile.Read(ref faultsA.FailedDials) + Volatile.Read(ref faultsB.FailedDials);
            PeerConnection killed = a.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == b.Name && c.ChannelName == ChannelOptions.DefaultName);
            PeerConnection otherEnd = b.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == a.Name && c.ChannelName == ChannelOptions.DefaultName);
            killed.Close("killed_by_test");
            await Eventually.Within(Task.WhenAll(killed.Completion, otherEnd.Completion), $"round {round}: the killed connection is gone on both ends");
            long dueBy = clock.GetTimestamp() + MinDelay.Ticks; // ManualTimeProvider counts timestamps in ticks
            await Eventually.True(() => a.ConnectionManager.RedialDueAt <= dueBy && b.ConnectionManager.RedialDueAt <= dueBy, $"round {round}: both ends have armed their redial");
            Assert.False(a.IsConnected(b.Name, ChannelOptions.DefaultName) || b.IsConnected(a.Name, ChannelOptions.DefaultName));

            // After the reconnect delay the redials start, and their handshakes are killed.
            await Advance(clock, MinDelay);
            await Eventually.True(() => Volatile.Read(ref faultsA.FailedDials) + Volatile.Read(ref faultsB.FailedDials) >= failedBefore + 2, $"round {round}: both redials fail in the handshake");
            Assert.False(a.IsConnected(b.Name, ChannelOptions.DefaultName));

            // The next dial is due within one more reconnect delay (the first backoff, jittered down to half): the slot is
            // back within it plus one handshake, with no virtual time beyond it.
            await Advance(clock, MinDelay);
            await Eventually.True(() => a.IsFullyConnected(b.Name) && b.IsFullyConnected(a.Name), $"round {round}: the default channel is back within 2 x ReconnectMinDelay after the kill");
            Assert.True(a.Send(ProcessRef.ForName("inbox", b.Name), round));
            Assert.Equal(round, await probe.NextAsync());
        }

        Assert.Equal(0, Volatile.Read(ref downs)); // the membership channel stayed up: the peer was never down
    }

    [Fact]
    public async Task A_peer_that_cannot_be_redialed_is_reported_down_its_calls_fail_and_it_comes_back_once_dials_work()
    {
        var faultsA = new FaultyTransport(new TcpTransport());
        var faultsB = new FaultyTransport(new TcpTransport());
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a", o => o.Transport = faultsA);
        PartisanNode b = await nodes.StartAsync("b", o => o.Transport = faultsB);
        await b.JoinAsync(a.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([a, b]), "the pair is connected");
        var down = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable subscription = a.OnDown((node, reason) => down.TrySetResult(reason), b.Name);
        Pid silent = b.Spawn(async ctx =>
        {
            while (true)
            {
                await ctx.ReceiveAsync(); // never answers: the call below waits until the node is reported down
            }
        });
        Task<object?> pending = a.CallAsync(silent, "question", TimeSpan.FromMinutes(2));

        // Every connection between them dies and no dial in either direction gets through (the listeners are as good as gone).
        faultsA.RefuseAllDials(true);
        faultsB.RefuseAllDials(true);
        foreach (PeerConnection connection in a.ConnectionManager.OpenConnections().Where(c => c.Peer.Name == b.Name))
        {
            connection.Close("killed_by_test");
        }

        string reason = await Eventually.Within(down.Task, "a reports b down");
        Assert.False(string.IsNullOrEmpty(reason));
        CalleeDownException failed = await Assert.ThrowsAsync<CalleeDownException>(() => Eventually.Within(pending, "the pending call fails"));
        Assert.Equal(ExitReason.NoConnection.Kind, failed.Reason.Kind);
        CalleeDownException refused = await Assert.ThrowsAsync<CalleeDownException>(() => Eventually.Within(a.CallAsync(silent, "again", TimeSpan.FromMinutes(2)), "a new call fails"));
        Assert.Equal(ExitReason.NoConnection.Kind, refused.Reason.Kind);
        Assert.False(a.Send(silent, "dropped"));
        await Eventually.True(() => Volatile.Read(ref faultsA.RefusedDials) >= 2, "a keeps redialing while it is refused");

        faultsA.RefuseAllDials(false);
        faultsB.RefuseAllDials(false);
        await Eventually.True(() => TestNodes.AllSee([a, b]), "the pair reconnects once dials work again");
    }

    // Moves virtual time in small steps, giving the node loops real time to run what each step made due.
    private static async Task Advance(ManualTimeProvider clock, TimeSpan by)
    {
        TimeSpan step = TimeSpan.FromMilliseconds(10);
        for (TimeSpan done = TimeSpan.Zero; done < by; done += step)
        {
            clock.Advance(step);
            await Task.Delay(10);
        }
    }
}
