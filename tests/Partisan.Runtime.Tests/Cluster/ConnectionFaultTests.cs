using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Cluster;

/// <summary>Faults inside the connection layer (issue 11, bugs 1 and 2): each must end in a closed, redialed slot, never a dead one.</summary>
public class ConnectionFaultTests
{
    // With faultyHigher, both nodes dial through the faulty transport: after a kill both redial, and either may win.
    private static async Task<(PartisanNode Lower, PartisanNode Higher, FaultyTransport Faults)> PairAsync(TestNodes nodes, bool faultyHigher = false)
    {
        var faults = new FaultyTransport(new TcpTransport());
        PartisanNode lower = await nodes.StartAsync("a", o => o.Transport = faults);
        PartisanNode higher = faultyHigher ? await nodes.StartAsync("b", o => o.Transport = faults) : await nodes.StartAsync("b");
        Assert.True(lower.Name < higher.Name);
        await higher.JoinAsync(lower.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([lower, higher]), "the pair is connected");
        return (lower, higher, faults);
    }

    [Fact]
    public async Task A_redial_reset_after_the_challenge_whose_disposal_throws_is_retried_and_the_channel_comes_back()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes, faultyHigher: true);
        var probe = Probe.Start(higher, "inbox");
        faults.FailDialsAfterChallenge(2);

        lower.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == higher.Name && c.ChannelName == ChannelOptions.DefaultName).Close("killed_by_test");

        await Eventually.True(() => Volatile.Read(ref faults.FailedDials) >= 1, "a redial fails after the challenge");
        await Eventually.True(() => lower.IsFullyConnected(higher.Name) && higher.IsFullyConnected(lower.Name), "the default channel is back");
        Assert.True(lower.Send(ProcessRef.ForName("inbox", higher.Name), "after the fault"));
        Assert.Equal("after the fault", await probe.NextAsync());
    }

    [Fact]
    public async Task A_join_whose_handshake_fails_and_whose_disposal_throws_reports_the_handshake_error()
    {
        await using var nodes = new TestNodes();
        var faults = new FaultyTransport(new TcpTransport());
        PartisanNode joiner = await nodes.StartAsync("a", o => o.Transport = faults);
        PartisanNode seed = await nodes.StartAsync("b");
        faults.FailDialsAfterChallenge(1);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => joiner.JoinAsync(seed.ListenAddresses[0]));

        Assert.Contains("reset after the Challenge", error.Message);
    }

    [Fact]
    public async Task An_unexpected_exception_in_a_connection_reader_closes_that_connection_and_it_is_redialed()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var atLower = Probe.Start(lower, "inbox");
        var downs = 0;
        using IDisposable subscription = lower.OnDown((_, _) => Interlocked.Increment(ref downs));

        faults.ThrowInNextRead();
        Assert.True(higher.Send(ProcessRef.ForName("inbox", lower.Name), "wake the reader"));
        await Eventually.True(() => Volatile.Read(ref faults.ReadsFailed) == 1, "a reader fails unexpectedly");

        await Eventually.True(() => lower.IsFullyConnected(higher.Name) && higher.IsFullyConnected(lower.Name), "every slot is served again");
        Assert.True(higher.Send(ProcessRef.ForName("inbox", lower.Name), "after the fault"));
        object received = await atLower.NextAsync();
        if (received is "wake the reader")
        {
            received = await atLower.NextAsync();
        }

        Assert.Equal("after the fault", received);
        await Eventually.True(() => lower.Metrics.Connections == lower.ConnectionManager.OpenConnections().Count, "no zombie connection is counted open");
    }

    [Fact]
    public async Task A_batch_whose_flush_failed_after_reaching_the_peer_is_not_sent_again_on_the_next_connection()
    {
        // A kill under a stream delivered 1,934 messages twice: the writer put a batch back for the next connection
        // although part of it had reached the peer before its flush failed.
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher, "inbox");
        ProcessRef inbox = ProcessRef.ForName("inbox", higher.Name);
        byte[] payload = new byte[16 * 1024];
        payload[0] = 42;
        faults.FailNextFlushAfterDelivering(8 * 1024);

        Assert.True(lower.Send(inbox, payload));

        Assert.Equal(payload, await probe.NextAsync());
        await Eventually.True(() => Volatile.Read(ref faults.FlushesFailedAfterDelivering) == 1, "the flush failed after delivering");
        await Eventually.True(() => lower.IsFullyConnected(higher.Name) && higher.IsFullyConnected(lower.Name), "the default channel is back");
        Assert.True(lower.Send(inbox, "after"));
        Assert.Equal("after", await probe.NextAsync()); // not the payload a second time
    }

    [Fact]
    public async Task A_connection_whose_peer_says_goodbye_first_finishes_the_batch_it_is_flushing()
    {
        // A replacement under a stream lost a whole batch (1,025 messages): the peer retired the old connection first, its
        // goodbye stopped our reader, and closing then cancelled our writer in the middle of a flush.
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher, "inbox");
        ProcessRef inbox = ProcessRef.ForName("inbox", higher.Name);
        var old = lower.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == higher.Name && c.ChannelName == ChannelOptions.DefaultName);
        TaskCompletionSource release = faults.HoldNextFlush(minBytes: 4 * 1024);
        int sent = 0;
        while (Volatile.Read(ref faults.FlushesHeld) == 0 && sent < 1_000_000)
        {
            Assert.True(lower.Send(inbox, sent++));
            if (sent % 1_000 == 0)
            {
                await Task.Yield();
            }
        }

        Assert.Equal(1, Volatile.Read(ref faults.FlushesHeld));
        await lower.ConnectionManager.RedialForTestAsync(higher.Name, ChannelOptions.DefaultName, 0);
        await Eventually.Within(old.ReaderStopped, "the peer's goodbye stops the old connection's reader");
        release.SetResult();
        int total = sent + 1_000;
        while (sent < total)
        {
            Assert.True(lower.Send(inbox, sent++));
        }

        for (int i = 0; i < total; i++)
        {
            Assert.Equal(i, await probe.NextAsync());
        }
    }
}
