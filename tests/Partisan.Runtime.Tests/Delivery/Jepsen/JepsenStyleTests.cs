using System.Diagnostics;
using Partisan.Tests.Support;
using Partisan.Transport;
using Xunit.Abstractions;

namespace Partisan.Tests.Delivery.Jepsen;

/// <summary>
/// Issue 14, "a Jepsen-style run": 5 nodes on the in-memory network, a seeded schedule of 40 rounds of partitions,
/// connection kills, delays, duplicates and drops, while every node streams acknowledged causal messages to the others;
/// the <see cref="DeliveryChecker"/> then finds no message lost, duplicated or delivered causally out of order. The
/// control run plays the same schedule without acknowledgements and the checker finds the losses. The schedule's seed
/// is printed; <c>PARTISAN_JEPSEN_SEED=n</c> replays it (the same faults in the same order; the interleaving with the
/// traffic is the machine's).
/// </summary>
[Collection(Partisan.Tests.Cluster.LoadSensitiveCollection.Name)]
public class JepsenStyleTests(ITestOutputHelper output)
{
    private const int Nodes = 5;
    private const int Rounds = 40;
    private const string Label = "jepsen";
    private const string EndMarker = "end";
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(150);

    private sealed class Run(PartisanNode[] nodes, DeliveryChecker checker, Pid[] sinks, int[][] known)
    {
        /// <summary>End markers received, all nodes.</summary>
        public int Markers;

        public PartisanNode[] Nodes { get; } = nodes;

        public DeliveryChecker Checker { get; } = checker;

        public Pid[] Sinks { get; } = sinks;

        /// <summary>Per node, the ground truth: how many sends of each node it knows of (its own, and those its process received).</summary>
        public int[][] Known { get; } = known;
    }

    private static async Task<Run> StartAsync(TestNodes nodes, int seed, TimeSpan holdTimeout)
    {
        PartisanNode[] all = await nodes.StartClusterAsync(Nodes, o =>
        {
            o.Faults.Enabled = true;
            o.Faults.Seed = seed;
            o.Delivery.CausalLabels.Add(Label);
            o.Delivery.RetransmitInterval = TimeSpan.FromMilliseconds(100);
            o.Delivery.CausalHoldTimeout = holdTimeout;
        });
        var checker = new DeliveryChecker(Nodes);
        int[][] known = [.. Enumerable.Range(0, Nodes).Select(_ => new int[Nodes])];
        var sinks = new Pid[Nodes];
        Run? run = null;
        for (int i = 0; i < Nodes; i++)
        {
            int node = i;
            sinks[i] = all[i].Spawn(async ctx =>
            {
                while (true)
                {
                    string text = (string)await ctx.ReceiveAsync();
                    if (text == EndMarker)
                    {
                        Interlocked.Increment(ref run!.Markers);
                        continue;
                    }

                    var message = DeliveryChecker.Message.Decode(text);
                    lock (known[node])
                    {
                        for (int n = 0; n < Nodes; n++)
                        {
                            known[node][n] = Math.Max(known[node][n], message.Known[n]);
                        }
                    }

                    checker.RecordDelivered(node, message);
                }
            });
        }

        run = new Run(all, checker, sinks, known);
        return run;
    }

    /// <summary>Each node sends to random others until <paramref name="stop"/>; the ground truth counts the send before the runtime stamps it.</summary>
    private static Task SendAsync(Run run, int seed, bool ack, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Nodes).Select(from => Task.Run(async () =>
        {
            var random = new Random(seed + from);
            var options = new ForwardOptions { CausalLabel = Label, Ack = ack };
            while (!stop.IsCancellationRequested)
            {
                for (int burst = 0; burst < 5; burst++)
                {
                    int to = (from + 1 + random.Next(Nodes - 1)) % Nodes;
                    DeliveryChecker.Message message;
                    lock (run.Known[from])
                    {
                        run.Known[from][from]++;
                        message = new DeliveryChecker.Message(from, to, [.. run.Known[from]]);
                    }

                    run.Checker.RecordSent(message);
                    await run.Nodes[from].SendAsync(run.Sinks[to], message.Encode(), options);
                }

                await Task.Delay(10);
            }
        })));

    private async Task<(DeliveryChecker.Report Report, FaultSchedule Schedule)> PlayAsync(bool ack)
    {
        var schedule = new FaultSchedule(FaultSchedule.SeedFromEnvironment(fallback: 14_0514), Nodes, Rounds);
        output.WriteLine($"fault schedule {schedule} (replay: PARTISAN_JEPSEN_SEED={schedule.Seed})");
        await using var nodes = new TestNodes(new InMemoryNetwork());
        Run run = await StartAsync(nodes, schedule.Seed, holdTimeout: ack ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        Task sending = SendAsync(run, schedule.Seed, ack, stop.Token);
        var faults = new FaultScheduleRunner(run.Nodes);
        foreach (FaultStep step in schedule.Steps)
        {
            faults.Play(step);
            await Task.Delay(Round); // pacing: the faults are in force while the traffic flows
        }

        faults.EndAll();
        stop.Cancel();
        await Eventually.Within(sending, "the senders stop");

        // Quiesce: an acknowledged causal end marker from every node to every other. A marker happened after everything
        // its sender sent, so once every marker is delivered, every earlier message was delivered or declared lost.
        await Task.WhenAll(Enumerable.Range(0, Nodes).SelectMany(from => Enumerable.Range(0, Nodes).Where(to => to != from).Select(to =>
            run.Nodes[from].SendAckedAsync(run.Sinks[to], EndMarker, new ForwardOptions { CausalLabel = Label }))));
        await Eventually.True(() => Volatile.Read(ref run.Markers) == Nodes * (Nodes - 1), "every end marker is delivered", TimeSpan.FromSeconds(60));
        await Eventually.True(() => run.Nodes.All(n => n.UnackedMessages == 0 && n.HeldCausalMessages == 0), "every node settled", TimeSpan.FromSeconds(60));

        DeliveryChecker.Report report = run.Checker.Check();
        output.WriteLine($"{(ack ? "acked" : "unacked")} causal traffic, {clock.Elapsed.TotalSeconds:F1} s: {report}; {run.Nodes.Sum(n => n.Faults.Dropped):N0} frames dropped, {run.Nodes.Sum(n => n.Faults.Duplicated):N0} duplicated, {run.Nodes.Sum(n => n.Faults.Delayed):N0} delayed, {run.Nodes.Sum(n => n.CausalGaps)} causal gaps declared");
        return (report, schedule);
    }

    [Fact]
    public async Task Five_nodes_under_a_seeded_schedule_of_partitions_kills_delays_duplicates_and_drops_lose_duplicate_and_reorder_nothing()
    {
        (DeliveryChecker.Report report, FaultSchedule schedule) = await PlayAsync(ack: true);
        Assert.True(report.Sent > 1_000, $"enough traffic ({report.Sent}) for {schedule}");
        Assert.True(report.Lost == 0 && report.Duplicated == 0 && report.OutOfOrder == 0, $"{report} under {schedule}; replay with PARTISAN_JEPSEN_SEED={schedule.Seed}");
    }

    [Fact]
    public async Task The_same_schedule_without_acknowledgements_loses_messages_the_checker_reports_and_still_delivers_in_causal_order()
    {
        (DeliveryChecker.Report report, FaultSchedule schedule) = await PlayAsync(ack: false);
        Assert.True(report.Lost > 0, $"without acknowledgements the faults lose messages: {report} under {schedule}");
        Assert.True(report.Duplicated == 0 && report.OutOfOrder == 0, $"{report} under {schedule}; replay with PARTISAN_JEPSEN_SEED={schedule.Seed}");
    }
}
