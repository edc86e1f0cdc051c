using System.Diagnostics;
using Partisan.Faults;
using Partisan.Tests.Support;
using Xunit.Abstractions;

namespace Partisan.Tests.Delivery;

/// <summary>
/// Issue 14, "proved under faults": two senders stream sequenced messages to a third node over TCP while the test kills
/// default-channel connections 100 times and every node drops 5% of the frames it writes on the default channel
/// (messages and acknowledgements alike). With acknowledged delivery every message reaches the mailbox exactly once;
/// without it the same faults lose messages, which shows the test would catch a loss.
/// </summary>
[Collection(Partisan.Tests.Cluster.LoadSensitiveCollection.Name)]
public class AckUnderFaultsTests(ITestOutputHelper output)
{
    private const int PerSender = 10_000;
    private const int Senders = 2;
    private const int Total = PerSender * Senders;
    private const int Kills = 100;
    private const int Seed = 14_2026;

    /// <summary>What the receiving process saw: a count per message.</summary>
    private sealed class Tally
    {
        private readonly int[] _seen = new int[Total];
        public long Distinct;
        public long Duplicates;
        public readonly TaskCompletionSource Markers = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _markers;

        public void On(long value)
        {
            if (value < 0)
            {
                if (Interlocked.Increment(ref _markers) == Senders)
                {
                    Markers.TrySetResult();
                }

                return;
            }

            if (Interlocked.Increment(ref _seen[value]) == 1)
            {
                Interlocked.Increment(ref Distinct);
            }
            else
            {
                Interlocked.Increment(ref Duplicates);
            }
        }
    }

    private static async Task<(PartisanNode[] Nodes, Tally Tally, Pid Sink)> StartAsync(TestNodes nodes)
    {
        PartisanNode[] all = await nodes.StartClusterAsync(3, o =>
        {
            o.Faults.Enabled = true;
            o.Faults.Seed = Seed;
            o.Delivery.RetransmitInterval = TimeSpan.FromMilliseconds(200);
        });
        var tally = new Tally();
        Pid sink = all[2].Spawn(async ctx =>
        {
            while (true)
            {
                tally.On((long)await ctx.ReceiveAsync());
            }
        });
        foreach (PartisanNode node in all)
        {
            node.Faults.Add(new FaultRule { Action = FaultAction.Drop, Probability = 0.05, Channel = ChannelOptions.DefaultName });
        }

        return (all, tally, sink);
    }

    /// <summary>Kills default-channel connections between the senders and the receiver, alternating pair and side, each after the stream moved on.</summary>
    private static async Task<int> KillAsync(PartisanNode[] nodes, Func<long> progress, Task sending)
    {
        PartisanNode receiver = nodes[2];
        int killed = 0;
        var clock = Stopwatch.StartNew();
        for (int kill = 0; kill < Kills; kill++)
        {
            long before = progress();
            long until = clock.ElapsedMilliseconds + 2_000;
            while (progress() < before + 100 && !sending.IsCompleted && clock.ElapsedMilliseconds < until)
            {
                await Task.Delay(1);
            }

            PartisanNode sender = nodes[kill % Senders];
            int n = (kill / Senders) % 2 == 0
                ? sender.Faults.KillConnections(receiver.Name, ChannelOptions.DefaultName)
                : receiver.Faults.KillConnections(sender.Name, ChannelOptions.DefaultName);
            killed += n > 0 ? 1 : 0;
            // The next kill waits for the pair to be connected again on both ends (either end may kill next), so each kill
            // hits a live connection: the dialing end can list the new connection before the accepting end registered it.
            await Eventually.True(() => HasDefault(sender, receiver) && HasDefault(receiver, sender), "the default connection comes back", TimeSpan.FromSeconds(30));
        }

        return killed;
    }

    private static bool HasDefault(PartisanNode node, PartisanNode peer) =>
        node.ConnectionManager.OpenConnections().Any(c => c.Peer.Name == peer.Name && c.ChannelName == ChannelOptions.DefaultName);

    [Fact]
    public async Task Twenty_thousand_acked_messages_through_100_connection_kills_and_5_percent_frame_drops_reach_the_mailbox_exactly_once()
    {
        await using var nodes = new TestNodes();
        (PartisanNode[] all, Tally tally, Pid sink) = await StartAsync(nodes);
        var clock = Stopwatch.StartNew();
        Task sending = Task.WhenAll(Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            for (long seq = 0; seq < PerSender; seq++)
            {
                Assert.True(await all[s].SendAsync(sink, (s * (long)PerSender) + seq, new ForwardOptions { Ack = true }));
            }
        })));
        int kills = await KillAsync(all, () => Volatile.Read(ref tally.Distinct), sending);
        await Eventually.Within(sending, "both senders send everything", TimeSpan.FromSeconds(120));
        await Eventually.True(() => Volatile.Read(ref tally.Distinct) == Total, "every message arrives", TimeSpan.FromSeconds(120));
        await Eventually.True(() => all[0].UnackedMessages == 0 && all[1].UnackedMessages == 0, "every message is acknowledged", TimeSpan.FromSeconds(60));

        long dropped = all.Sum(n => n.Faults.Dropped);
        long retransmitted = all[0].Acks.Retransmissions + all[1].Acks.Retransmissions;
        long suppressed = all[2].AckStage.Duplicates;
        output.WriteLine($"seed {Seed}: {Total:N0} acked messages, {tally.Distinct:N0} delivered, {tally.Duplicates} delivered twice, {kills} kills, {dropped:N0} frames dropped, {retransmitted:N0} retransmissions, {suppressed:N0} duplicates suppressed by the receiver, {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(Kills, kills);
        Assert.Equal(Total, Volatile.Read(ref tally.Distinct));
        Assert.Equal(0, Volatile.Read(ref tally.Duplicates));
        Assert.True(dropped > 0, "the fault injector dropped frames");
        Assert.True(retransmitted > 0, "lost messages were retransmitted");
        Assert.True(suppressed > 0, "the receiver saw duplicates (retransmissions of delivered messages) and kept them out of the mailbox");
    }

    [Fact]
    public async Task The_same_faults_without_acknowledgements_lose_messages()
    {
        await using var nodes = new TestNodes();
        (PartisanNode[] all, Tally tally, Pid sink) = await StartAsync(nodes);
        Task sending = Task.WhenAll(Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            for (long seq = 0; seq < PerSender; seq++)
            {
                await all[s].SendAsync(sink, (s * (long)PerSender) + seq);
            }
        })));
        int kills = await KillAsync(all, () => Volatile.Read(ref tally.Distinct), sending);
        await Eventually.Within(sending, "both senders send everything", TimeSpan.FromSeconds(120));

        // An acknowledged end marker per sender, on the same connection as its stream: once both arrived, every plain
        // message sent before them has arrived or is lost.
        await Task.WhenAll(all[0].SendAckedAsync(sink, -1L), all[1].SendAckedAsync(sink, -2L));
        await Eventually.Within(tally.Markers.Task, "both end markers arrive");
        long lost = Total - Volatile.Read(ref tally.Distinct);
        output.WriteLine($"seed {Seed}: {Total:N0} plain messages, {tally.Distinct:N0} delivered, {lost:N0} lost, {tally.Duplicates} delivered twice, {kills} kills, {all.Sum(n => n.Faults.Dropped):N0} frames dropped");
        Assert.True(lost > 0, "without acknowledgements the faults lose messages");
    }
}
