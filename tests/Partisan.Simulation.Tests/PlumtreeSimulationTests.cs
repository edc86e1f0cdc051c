using System.Diagnostics;
using Partisan.Broadcast;
using Partisan.Overlays.HyParView;
using Xunit.Abstractions;

namespace Partisan.Simulation.Tests;

/// <summary>
/// Plumtree (<see cref="BroadcastEngine"/>) hosted on HyParView (<see cref="BroadcastOverlay"/>) at 1,000 simulated nodes:
/// every live node delivers every broadcast, and once each root's tree is pruned the relative message redundancy (payloads
/// received per node per broadcast, minus one) is near 0, against flooding's in the same run.
/// </summary>
public class PlumtreeSimulationTests(ITestOutputHelper output)
{
    /// <summary>A handler whose messages are strings, each its own id and payload.</summary>
    private sealed class StringSet : IBroadcastHandler, IBroadcastExchange
    {
        public HashSet<string> Items { get; } = new(StringComparer.Ordinal);

        public string Name => "strings";

        public BroadcastData BroadcastData(object message) => new(message, message);

        public bool Merge(object id, object payload) => Items.Add((string)payload);

        public bool IsStale(object id) => Items.Contains((string)id);

        public GraftResult Graft(object id) => Items.Contains((string)id) ? GraftResult.Found(id) : GraftResult.Failed("unknown id");

        // Anti-entropy by whole sets (small here): each side merges what the other sent, and answers while the other lacks some.
        public object? BeginExchange(NodeName peer) => Items.ToArray();

        public object? ContinueExchange(NodeName peer, object message)
        {
            var theirs = (string[])message;
            Items.UnionWith(theirs);
            return Items.Count > theirs.Length ? Items.ToArray() : null;
        }
    }

    private sealed class Cluster
    {
        private readonly Dictionary<NodeName, StringSet> _stores = new();

        public Cluster(int count, int seed, BroadcastOptions options)
        {
            var hyParView = new HyParViewOptions();
            Sim = new OverlaySimulation(
                new SimulationOptions { Seed = seed },
                spec => new BroadcastOverlay(new HyParViewOverlay(hyParView), options, engine =>
                {
                    var store = new StringSet();
                    _stores[spec.Name] = store;
                    engine.Register(store);
                }));
            for (int i = 0; i < count; i++)
            {
                Sim.AddNode("n" + i);
            }

            var random = new Random(seed);
            IReadOnlyList<NodeName> nodes = Sim.Nodes;
            for (int i = 1; i < count; i++)
            {
                Sim.Join(nodes[i], nodes[random.Next(i)]);
            }

            MinActive = hyParView.MinActiveViewSize;
            MaxActive = hyParView.ActiveViewSize;
        }

        public OverlaySimulation Sim { get; }

        public int MinActive { get; }

        public int MaxActive { get; }

        public bool Healthy()
        {
            SimulationGraph graph = Sim.ActiveGraph();
            DegreeStats degrees = graph.Degrees();
            return degrees.Min >= MinActive && degrees.Max <= MaxActive && graph.IsConnected();
        }

        public BroadcastEngine Engine(NodeName node) => ((BroadcastOverlay)Sim.Overlay(node)).Engine;

        public StringSet Store(NodeName node) => _stores[node];

        public void Publish(NodeName root, string item)
        {
            StringSet store = Store(root);
            store.Items.Add(item);
            Assert.True(Engine(root).Broadcast(item, store));
        }

        public long Sum(Func<BroadcastCounters, long> counter)
        {
            long sum = 0;
            foreach (NodeName node in Sim.LiveNodes)
            {
                sum += counter(Engine(node).Counters);
            }

            return sum;
        }

        /// <summary>Broadcasts <paramref name="count"/> messages from the roots in turn, each given <paramref name="gap"/> to spread; the relative message redundancy of the batch.</summary>
        public double Burst(NodeName[] roots, string prefix, int count, TimeSpan gap, List<string> ids)
        {
            long before = Sum(static c => c.PayloadsReceived);
            for (int i = 0; i < count; i++)
            {
                string id = prefix + i;
                ids.Add(id);
                Publish(roots[i % roots.Length], id);
                Sim.RunFor(gap);
            }

            long received = Sum(static c => c.PayloadsReceived) - before;
            return (double)received / ((double)count * (Sim.LiveNodes.Count - 1)) - 1;
        }
    }

    [Fact]
    public void A_thousand_nodes_over_HyParView_deliver_every_broadcast_with_redundancy_near_zero_once_the_trees_are_pruned_against_flooding()
    {
        var wall = Stopwatch.StartNew();
        var options = new BroadcastOptions { PruneOnDuplicate = false }; // flooding first: every link stays eager
        var cluster = new Cluster(1000, seed: 42, options);
        OverlaySimulation sim = cluster.Sim;
        Assert.True(sim.RunUntil(cluster.Healthy, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)), $"the views formed: {sim.NeighbourDegrees()}");
        sim.RunFor(TimeSpan.FromSeconds(5)); // the engines learn the last neighbour changes

        var random = new Random(3);
        IReadOnlyList<NodeName> live = sim.LiveNodes;
        NodeName[] roots = Enumerable.Range(0, 5).Select(_ => live[random.Next(live.Count)]).Distinct().ToArray();
        var ids = new List<string>();
        TimeSpan gap = TimeSpan.FromSeconds(3); // > a lazy tick plus the graft timeout's share: announcements settle too

        double flooding = cluster.Burst(roots, "flood-", 10, gap, ids);

        options.PruneOnDuplicate = true; // Plumtree from here on, over the same graph
        double warmUp = cluster.Burst(roots, "warm-", roots.Length, gap, ids); // one broadcast per root prunes its tree
        long graftsBefore = cluster.Sum(static c => c.GraftsSent);
        double plumtree = cluster.Burst(roots, "tree-", 20, gap, ids);
        long grafts = cluster.Sum(static c => c.GraftsSent) - graftsBefore;
        sim.RunFor(TimeSpan.FromSeconds(10));

        foreach (NodeName node in sim.LiveNodes)
        {
            HashSet<string> items = cluster.Store(node).Items;
            Assert.True(items.Count == ids.Count && ids.TrueForAll(items.Contains), $"{node} holds {items.Count} of {ids.Count} broadcasts");
        }

        output.WriteLine(
            FormattableString.Invariant(
                $"1,000 nodes, HyParView degrees {sim.NeighbourDegrees()}; relative message redundancy: flooding {flooding:F2}, ") +
            FormattableString.Invariant($"Plumtree's first broadcast per root {warmUp:F2}, Plumtree after {plumtree:F3} ({grafts} grafts); ") +
            FormattableString.Invariant($"{cluster.Sum(static c => c.HandlerFailures)} handler failures; wall {wall.Elapsed.TotalSeconds:F1} s"));
        Assert.True(flooding > 1, $"flooding's redundancy is about the mean degree minus 2: {flooding:F2}");
        Assert.True(plumtree < 0.01, $"Plumtree's redundancy once pruned is near 0: {plumtree:F3} (flooding {flooding:F2})");
        Assert.Equal(0, cluster.Sum(static c => c.HandlerFailures));
    }

    [Fact]
    public void With_a_fifth_of_a_thousand_nodes_killed_during_a_burst_every_survivor_holds_every_surviving_broadcast_within_a_few_exchange_rounds()
    {
        var wall = Stopwatch.StartNew();
        var options = new BroadcastOptions();
        var cluster = new Cluster(1000, seed: 11, options);
        OverlaySimulation sim = cluster.Sim;
        Assert.True(sim.RunUntil(cluster.Healthy, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)), $"the views formed: {sim.NeighbourDegrees()}");

        var random = new Random(5);
        NodeName[] shuffled = sim.LiveNodes.OrderBy(_ => random.Next()).ToArray();
        NodeName[] killed = shuffled[..200];
        NodeName[] roots = shuffled[^5..]; // survivors, whose trees are pruned before the burst and broken by the kills
        var ids = new List<string>();
        cluster.Burst(roots, "warm-", roots.Length, TimeSpan.FromSeconds(3), ids);
        for (int i = 0; i < 60; i++)
        {
            if (i == 20)
            {
                foreach (NodeName node in killed)
                {
                    sim.Crash(node); // in the middle of the burst: what they held or had in flight is lost with them
                }
            }

            string id = "burst-" + i;
            ids.Add(id);
            cluster.Publish(roots[i % roots.Length], id);
            sim.RunFor(TimeSpan.FromMilliseconds(50));
        }

        int Lacking()
        {
            int count = 0;
            foreach (NodeName node in sim.LiveNodes)
            {
                HashSet<string> items = cluster.Store(node).Items;
                count += ids.Count(id => !items.Contains(id));
            }

            return count;
        }

        int lackingAtEnd = Lacking();
        TimeSpan burstEnd = sim.Now;
        int rounds = 0;
        int lacking = int.MaxValue;
        while (rounds < 12)
        {
            sim.RunFor(options.ExchangeInterval);
            rounds++;
            lacking = Lacking();
            if (lacking == 0)
            {
                break;
            }
        }

        output.WriteLine(
            FormattableString.Invariant($"1,000 nodes, 200 killed after 20 of 60 broadcasts from 5 roots: {lackingAtEnd} (survivor, broadcast) pairs missing when the burst ended, none after {rounds} exchange interval(s) ") +
            FormattableString.Invariant($"({sim.Now - burstEnd:g} virtual); grafts {cluster.Sum(static c => c.GraftsSent)}, exchanges {cluster.Sum(static c => c.ExchangesCompleted)}; ") +
            FormattableString.Invariant($"degrees {sim.NeighbourDegrees()}; wall {wall.Elapsed.TotalSeconds:F1} s"));
        Assert.True(lacking == 0, $"{lacking} (node, broadcast) pairs still missing after {rounds} exchange intervals");
        Assert.True(lackingAtEnd > 0, "the kills broke the trees: some survivors lacked some broadcasts when the burst ended");
        Assert.InRange(rounds, 1, 6);
    }

    [Fact]
    public void After_a_partition_heals_the_two_sides_converge_on_every_broadcast_either_made()
    {
        var options = new BroadcastOptions();
        var cluster = new Cluster(200, seed: 9, options);
        OverlaySimulation sim = cluster.Sim;
        Assert.True(sim.RunUntil(cluster.Healthy, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)), $"the views formed: {sim.NeighbourDegrees()}");
        sim.RunFor(TimeSpan.FromSeconds(30));

        IReadOnlyList<NodeName> nodes = sim.Nodes;
        PartitionHandle cut = sim.Partition(nodes.Take(100), nodes.Skip(100));
        sim.RunFor(TimeSpan.FromSeconds(60)); // each side drops the other from its views
        var ids = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            string left = "left-" + i, right = "right-" + i;
            ids.Add(left);
            ids.Add(right);
            cluster.Publish(nodes[i], left);
            cluster.Publish(nodes[100 + i], right);
            sim.RunFor(TimeSpan.FromSeconds(1));
        }

        sim.RunFor(TimeSpan.FromSeconds(10));
        Assert.All(nodes.Skip(100), n => Assert.DoesNotContain("left-0", cluster.Store(n).Items)); // nothing crossed the cut

        sim.Heal(cut);
        TimeSpan healed = sim.Now;
        bool converged = sim.RunUntil(
            () => nodes.All(n => ids.TrueForAll(cluster.Store(n).Items.Contains)),
            TimeSpan.FromMinutes(5),
            TimeSpan.FromSeconds(1));

        output.WriteLine(FormattableString.Invariant($"200 nodes cut in two halves, 10 broadcasts on each side: converged {converged} {(sim.Now - healed).TotalSeconds:F0} s (virtual) after the heal"));
        Assert.True(converged, "every node holds every broadcast of both sides after the heal");
    }
}
