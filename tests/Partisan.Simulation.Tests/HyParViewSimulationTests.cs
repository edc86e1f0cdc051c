using System.Diagnostics;
using Partisan.Overlays.HyParView;
using Xunit.Abstractions;

namespace Partisan.Simulation.Tests;

/// <summary>
/// HyParView at scale in the deterministic simulator, with its default settings (10 s shuffles, 5 s promotion): 1,000 nodes
/// join, half are killed, the survivors repair bounded views into one connected graph, and relayed messages cross it.
/// </summary>
public class HyParViewSimulationTests(ITestOutputHelper output)
{
    private static OverlaySimulation Join(int count, int seed, HyParViewOptions? options = null)
    {
        options ??= new HyParViewOptions();
        var sim = new OverlaySimulation(new SimulationOptions { Seed = seed }, _ => new HyParViewOverlay(options));
        for (int i = 0; i < count; i++)
        {
            sim.AddNode("n" + i);
        }

        // Everyone joins through a random earlier node, all at once.
        var random = new Random(seed);
        IReadOnlyList<NodeName> nodes = sim.Nodes;
        for (int i = 1; i < count; i++)
        {
            sim.Join(nodes[i], nodes[random.Next(i)]);
        }

        return sim;
    }

    private static bool Healthy(OverlaySimulation sim, int min, int max)
    {
        SimulationGraph graph = sim.ActiveGraph();
        DegreeStats degrees = graph.Degrees();
        return degrees.Min >= min && degrees.Max <= max && graph.IsConnected();
    }

    private static HyParViewOverlay View(OverlaySimulation sim, NodeName node) => (HyParViewOverlay)sim.Overlay(node);

    [Fact]
    public void A_thousand_nodes_join_half_are_killed_and_the_survivors_repair_their_views_and_relay()
    {
        var wall = Stopwatch.StartNew();
        var options = new HyParViewOptions();
        OverlaySimulation sim = Join(1000, seed: 42, options);

        Assert.True(
            sim.RunUntil(() => Healthy(sim, options.MinActiveViewSize, options.ActiveViewSize), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)),
            $"1,000 nodes formed bounded views in one graph: active degrees {sim.NeighbourDegrees()}, largest component {sim.LargestComponent()}");
        TimeSpan formed = sim.Now;
        long formingMessages = sim.Counters.Messages.Sent;
        sim.RunFor(TimeSpan.FromSeconds(30)); // shuffles fill the passive views
        Assert.All(sim.LiveNodes, n => Assert.True(View(sim, n).PassiveView.Count > 0, $"{n} has a passive view"));

        var random = new Random(7);
        NodeName[] killed = sim.LiveNodes.OrderBy(_ => random.Next()).Take(500).ToArray();
        foreach (NodeName node in killed)
        {
            sim.Crash(node);
        }

        TimeSpan killedAt = sim.Now;
        Assert.True(
            sim.RunUntil(() => Healthy(sim, options.MinActiveViewSize, options.ActiveViewSize), TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(1)),
            $"the 500 survivors repaired their views: active degrees {sim.NeighbourDegrees()}, largest component {sim.LargestComponent()} of {sim.LiveNodes.Count}");
        TimeSpan repaired = sim.Now - killedAt;
        var dead = killed.ToHashSet();
        Assert.All(sim.LiveNodes, n => Assert.DoesNotContain(View(sim, n).ActiveView, p => dead.Contains(p.Name)));

        // Relayed messages between random pairs that have no link, along routes found on demand.
        IReadOnlyList<NodeName> live = sim.LiveNodes;
        var walks = new List<RelayResult>();
        while (walks.Count < 10)
        {
            NodeName from = live[random.Next(live.Count)], to = live[random.Next(live.Count)];
            if (from == to || sim.IsConnected(from, to))
            {
                continue;
            }

            sim.RequestRoute(from, to);
            sim.RunFor(TimeSpan.FromSeconds(2));
            Assert.NotNull(View(sim, from).NextHop(to));
            walks.Add(sim.SendRelayed(from, to, maxHops: options.RouteSearchHops + 2)); // the node's relay limit under HyParView
            sim.RunFor(TimeSpan.FromSeconds(1));
        }

        Assert.All(walks, w => Assert.True(w.Status == RelayStatus.Delivered, $"{w.Origin} -> {w.Destination}: {w.Status} {w.Reason} via {string.Join(" ", w.Path)}"));
        Assert.Contains(walks, w => w.Hops >= 3);
        output.WriteLine(
            $"formed in {formed.TotalSeconds:F1} s virtual ({formingMessages:N0} messages); repaired in {repaired.TotalSeconds:F1} s virtual; " +
            $"relay hops {string.Join(",", walks.Select(w => w.Hops))}; active degrees {sim.NeighbourDegrees()}; wall {wall.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void The_same_seed_gives_the_same_views_and_trace_and_another_seed_does_not()
    {
        static (ulong Hash, string Views) Run(int seed)
        {
            OverlaySimulation sim = Join(150, seed);
            sim.RunFor(TimeSpan.FromSeconds(40));
            string views = string.Join(";", sim.LiveNodes.Select(n => string.Join(",", View(sim, n).ActiveView.Select(p => p.Name.Value))));
            return (sim.TraceHash, views);
        }

        (ulong hash, string views) = Run(3);
        (ulong again, string viewsAgain) = Run(3);
        (ulong other, _) = Run(4);

        Assert.Equal(hash, again);
        Assert.Equal(views, viewsAgain);
        Assert.NotEqual(hash, other);
    }

    [Fact]
    public void A_partition_heals_into_one_graph_again()
    {
        var options = new HyParViewOptions();
        OverlaySimulation sim = Join(200, seed: 9, options);
        Assert.True(sim.RunUntil(() => Healthy(sim, options.MinActiveViewSize, options.ActiveViewSize), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)));
        sim.RunFor(TimeSpan.FromSeconds(30));

        IReadOnlyList<NodeName> nodes = sim.Nodes;
        PartitionHandle cut = sim.Partition(nodes.Take(100), nodes.Skip(100));
        sim.RunFor(TimeSpan.FromSeconds(60));
        Assert.All(nodes.Take(100), n => Assert.DoesNotContain(View(sim, n).ActiveView, p => cut.SideB.Contains(p.Name)));

        // Each side dropped the other from its views; the nodes that failed are retried with a rejoin every few shuffles.
        sim.Heal(cut);
        Assert.True(
            sim.RunUntil(() => sim.ActiveGraph().IsConnected(), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1)),
            $"the two sides joined again: largest component {sim.LargestComponent()}");
    }
}
