using System.Diagnostics;
using Partisan.Overlays;
using Partisan.Overlays.FullMesh;

namespace Partisan.Simulation.Tests;

public sealed class FullMeshSimulationTests
{
    private static OverlaySimulation FullMesh(int nodes, int seed, bool serialize = false)
    {
        var sim = new OverlaySimulation(new SimulationOptions { Seed = seed, SerializeMessages = serialize }, _ => new FullMeshOverlay());
        for (int i = 0; i < nodes; i++)
        {
            sim.AddNode("n" + i);
        }

        return sim;
    }

    private static void JoinAll(OverlaySimulation sim)
    {
        IReadOnlyList<NodeName> nodes = sim.Nodes;
        for (int i = 1; i < nodes.Count; i++)
        {
            sim.Join(nodes[i], nodes[0]);
        }
    }

    private static bool Converged(OverlaySimulation sim)
    {
        int live = sim.LiveNodes.Count;
        return sim.MemberCounts() is { Min: var min, Max: var max } && min == live && max == live && sim.LinkDegrees().Min == live - 1;
    }

    private static string Views(OverlaySimulation sim) =>
        string.Join("\n", sim.LiveNodes.Select(n => n + ": " + string.Join(",", sim.Overlay(n).Members.Select(m => m.Name + "/" + m.Incarnation))));

    [Fact]
    public void The_same_seed_gives_the_same_run_and_another_seed_a_different_one()
    {
        (ulong Hash, string Views, long Events) Run(int seed)
        {
            OverlaySimulation sim = FullMesh(20, seed);
            JoinAll(sim);
            sim.RunFor(TimeSpan.FromSeconds(10));
            return (sim.TraceHash, Views(sim), sim.Counters.Events);
        }

        var a = Run(7);
        var b = Run(7);
        var c = Run(8);
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(a.Views, b.Views);
        Assert.Equal(a.Events, b.Events);
        Assert.NotEqual(a.Hash, c.Hash);
    }

    [Fact]
    public void Fifty_nodes_converge_every_member_knowing_and_linked_to_every_other()
    {
        OverlaySimulation sim = FullMesh(50, 1);
        JoinAll(sim);
        Assert.True(sim.RunUntil(() => Converged(sim), TimeSpan.FromSeconds(60)), sim.MemberCounts() + " / " + sim.LinkDegrees());
        foreach (NodeName a in sim.Nodes)
        {
            Assert.Equal(50, sim.Overlay(a).Members.Count);
            foreach (NodeName b in sim.Nodes)
            {
                Assert.True(a == b || sim.IsLinked(a, b), $"{a} and {b} are not linked");
            }
        }

        Assert.True(sim.IsConnectedGraph());
        Assert.Equal(0, sim.Counters.OverlayFailures);
    }

    [Fact]
    public void A_restarted_node_rejoins_with_its_new_incarnation()
    {
        OverlaySimulation sim = FullMesh(8, 3);
        JoinAll(sim);
        Assert.True(sim.RunUntil(() => Converged(sim), TimeSpan.FromSeconds(30)));
        NodeName victim = sim.Nodes[5];
        sim.Crash(victim);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.False(sim.IsLive(victim));
        Assert.All(sim.LiveNodes, n => Assert.False(sim.IsConnected(n, victim)));

        sim.RunFor(TimeSpan.FromSeconds(1));
        NodeSpec reborn = sim.Restart(victim, seed: sim.Nodes[0]);
        Assert.True(sim.RunUntil(
            () => Converged(sim) && sim.LiveNodes.All(n => sim.Overlay(n).Members.Any(m => m.Name == victim && m.Incarnation == reborn.Incarnation)),
            TimeSpan.FromSeconds(30)),
            Views(sim));
    }

    [Fact]
    public void A_node_that_leaves_is_removed_everywhere_and_starts_again_alone()
    {
        OverlaySimulation sim = FullMesh(6, 5);
        JoinAll(sim);
        Assert.True(sim.RunUntil(() => Converged(sim), TimeSpan.FromSeconds(30)));
        NodeName leaver = sim.Nodes[4];
        NodeSpec before = sim.Spec(leaver);
        sim.Leave(leaver, leaver);
        Assert.True(sim.Spec(leaver).Incarnation > before.Incarnation);
        Assert.Single(sim.Overlay(leaver).Members);
        Assert.True(sim.RunUntil(
            () => sim.Nodes.Where(n => n != leaver).All(n => sim.Overlay(n).Members.Count == 5 && !sim.IsConnected(n, leaver)),
            TimeSpan.FromSeconds(10)),
            Views(sim));
        Assert.Single(sim.Overlay(leaver).Members);
    }

    [Fact]
    public void Messages_round_trip_through_the_serializer_and_are_counted_in_bytes()
    {
        OverlaySimulation sim = FullMesh(10, 4, serialize: true);
        JoinAll(sim);
        Assert.True(sim.RunUntil(() => Converged(sim), TimeSpan.FromSeconds(30)));
        Assert.Equal(0, sim.Counters.SerializationFailures);
        Assert.True(sim.Counters.ForType("MembershipState").Bytes > 0);
        Assert.True(sim.Counters.Messages.Bytes > 0);
    }

    [Fact]
    public void A_thousand_node_partial_overlay_forms_survives_half_killed_and_recovers_quickly()
    {
        var sim = new OverlaySimulation(new SimulationOptions { Seed = 11 }, _ => new RandomViewOverlay());
        const int Count = 1000;
        for (int i = 0; i < Count; i++)
        {
            sim.AddNode("n" + i);
        }

        var random = new Random(5);
        IReadOnlyList<NodeName> nodes = sim.Nodes;
        for (int i = 1; i < Count; i++)
        {
            sim.Join(nodes[i], nodes[random.Next(i)]);
        }

        // The neighbour graph is connected from the start (each joiner names its seed); wait for the links to be.
        Assert.True(sim.RunUntil(() => sim.LinkGraph().IsConnected() && sim.NeighbourDegrees().Min >= 2, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)));
        TimeSpan formed = sim.Now;
        sim.RunFor(TimeSpan.FromSeconds(10)); // views fill up (the graph is connected long before they do)
        for (int i = 0; i < Count; i += 2)
        {
            sim.Crash(nodes[i]);
        }

        sim.RunFor(TimeSpan.FromSeconds(30));
        int largest = sim.LargestComponent();
        Assert.True(largest >= 0.95 * sim.LiveNodes.Count, $"largest component {largest} of {sim.LiveNodes.Count}");
        Assert.True(formed < TimeSpan.FromSeconds(60));
    }
}
