using System.Diagnostics;
using System.Globalization;
using Partisan.Overlays;
using Partisan.Overlays.FullMesh;
using Partisan.Overlays.HyParView;
using Partisan.Simulation;

namespace Partisan.Bench;

/// <summary>
/// The simulate part: N nodes of an overlay in the deterministic simulator (virtual time, no sockets): they all join,
/// converge, run at steady state, then lose a fraction of the nodes at each kill level and recover. Reports virtual time
/// and overlay messages to converge, messages per node per second at steady state, the largest connected component after
/// each kill level, memory per simulated node, wall time and events per second.
/// </summary>
internal static class Simulate
{
    /// <summary>An overlay the part can run: how to make one, and when a cluster of it has converged.</summary>
    private sealed record OverlayKind(Func<NodeSpec, IOverlay> Create, Func<OverlaySimulation, bool> Converged);

    // One line per overlay. A partial overlay converges when its neighbour graph is connected (the default).
    private static readonly Dictionary<string, OverlayKind> Overlays = new(StringComparer.Ordinal)
    {
        ["fullmesh"] = new(_ => new FullMeshOverlay(), FullMeshConverged),
        ["hyparview"] = new(_ => new HyParViewOverlay(), HyParViewConverged),
    };

    public static IReadOnlyCollection<string> Names => Overlays.Keys;

    public static Dictionary<string, object>[] Run(string overlay, int nodes, double[] kills, int seed, double scale)
    {
        if (!Overlays.TryGetValue(overlay, out OverlayKind? kind))
        {
            throw new ArgumentException($"Unknown overlay '{overlay}' (known: {string.Join(", ", Overlays.Keys)}).", nameof(overlay));
        }

        var results = new List<Dictionary<string, object>>();
        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(60, 120 * scale));
        TimeSpan steady = TimeSpan.FromSeconds(Math.Max(5, 30 * scale));
        TimeSpan recovery = TimeSpan.FromSeconds(Math.Max(10, 30 * scale));

        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var wall = Stopwatch.StartNew();
        var sim = new OverlaySimulation(new SimulationOptions { Seed = seed }, kind.Create);
        for (int i = 0; i < nodes; i++)
        {
            sim.AddNode("s" + i.ToString(CultureInfo.InvariantCulture));
        }

        var random = new Random(seed);
        IReadOnlyList<NodeName> names = sim.Nodes;
        for (int i = 1; i < nodes; i++)
        {
            sim.Join(names[i], names[random.Next(i)]);
        }

        bool converged = sim.RunUntil(() => kind.Converged(sim), limit);
        TimeSpan convergedAt = sim.Now;
        long convergeMessages = sim.Counters.Messages.Sent;
        long convergeEvents = sim.Counters.Events;
        double convergeWall = wall.Elapsed.TotalSeconds;

        long sentBefore = sim.Counters.Messages.Sent;
        long shuffles = 0;
        MessageRule countShuffles = sim.AddRule(m =>
        {
            // HyParView's shuffles and their replies (its message's text starts with its kind).
            if (m.Message.ToString()!.StartsWith("Shuffle", StringComparison.Ordinal))
            {
                shuffles++;
            }

            return MessageFate.Deliver;
        });
        sim.RunFor(steady);
        sim.RemoveRule(countShuffles);
        double perNodePerSecond = (sim.Counters.Messages.Sent - sentBefore) / (double)sim.LiveNodes.Count / steady.TotalSeconds;
        double shufflesPerNodePerInterval = shuffles / (double)sim.LiveNodes.Count / (steady.TotalSeconds / new HyParViewOptions().ShuffleInterval.TotalSeconds);
        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(sim);

        results.Add(new Dictionary<string, object>
        {
            ["bench"] = "simulate",
            ["overlay"] = overlay,
            ["nodes"] = nodes,
            ["seed"] = seed,
            ["converged"] = converged,
            ["converge_virtual_s"] = Math.Round(convergedAt.TotalSeconds, 2),
            ["converge_messages"] = convergeMessages,
            ["converge_wall_s"] = Math.Round(convergeWall, 2),
            ["steady_msgs_per_node_s"] = Math.Round(perNodePerSecond, 2),
            ["shuffle_msgs_per_node_per_10s"] = Math.Round(shufflesPerNodePerInterval, 2),
            ["link_degree"] = sim.LinkDegrees().ToString(),
            ["members"] = sim.MemberCounts().ToString(),
            ["bytes_per_node"] = (memoryAfter - memoryBefore) / nodes,
            ["events"] = sim.Counters.Events,
            ["events_per_s"] = Math.Round(convergeEvents / Math.Max(convergeWall, 1e-6)),
        });

        // Kill levels: fractions of the original nodes dead, cumulative (0.5 then 0.8 kills 30% more), chosen by the seed.
        var order = new List<NodeName>(names);
        for (int i = order.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int killed = 0;
        foreach (double level in kills)
        {
            int target = Math.Min(nodes - 1, (int)Math.Round(level * nodes));
            for (; killed < target; killed++)
            {
                sim.Crash(order[killed]);
            }

            var recoveryWall = Stopwatch.StartNew();
            sim.RunFor(recovery);
            int live = sim.LiveNodes.Count;
            int largest = sim.LargestComponent();
            (int delivered, double hops) = RelayCheck(sim, random, pairs: 20);
            results.Add(new Dictionary<string, object>
            {
                ["bench"] = "simulate",
                ["overlay"] = overlay,
                ["nodes"] = nodes,
                ["kill"] = level,
                ["live"] = live,
                ["recovery_virtual_s"] = recovery.TotalSeconds,
                ["largest_component"] = largest,
                ["largest_component_pct"] = Math.Round(100.0 * largest / Math.Max(1, live), 1),
                ["link_degree"] = sim.LinkDegrees().ToString(),
                ["neighbour_degree"] = sim.NeighbourDegrees().ToString(),
                ["relayed_delivered_of_20"] = delivered,
                ["relay_avg_hops"] = Math.Round(hops, 2),
                ["recovery_wall_s"] = Math.Round(recoveryWall.Elapsed.TotalSeconds, 2),
            });
        }

        results[0]["wall_s"] = Math.Round(wall.Elapsed.TotalSeconds, 2);
        results[0]["trace_hash"] = sim.TraceHash.ToString("x16", CultureInfo.InvariantCulture);
        return results.ToArray();
    }

    /// <summary>Relayed messages between random live pairs, each after asking the origin's overlay for a route.</summary>
    private static (int Delivered, double AverageHops) RelayCheck(OverlaySimulation sim, Random random, int pairs)
    {
        IReadOnlyList<NodeName> live = sim.LiveNodes;
        var walks = new List<RelayResult>(pairs);
        for (int k = 0; k < pairs && live.Count > 1; k++)
        {
            NodeName from = live[random.Next(live.Count)], to = live[random.Next(live.Count)];
            if (from == to)
            {
                continue;
            }

            sim.RequestRoute(from, to);
            sim.RunFor(TimeSpan.FromSeconds(3));
            walks.Add(sim.SendRelayed(from, to, maxHops: new HyParViewOptions().RouteSearchHops + 2));
            sim.RunFor(TimeSpan.FromSeconds(1));
        }

        int delivered = 0;
        double hops = 0;
        foreach (RelayResult walk in walks)
        {
            if (walk.Status == RelayStatus.Delivered)
            {
                delivered++;
                hops += walk.Hops;
            }
        }

        return (delivered, delivered == 0 ? 0 : hops / delivered);
    }

    private static bool HyParViewConverged(OverlaySimulation sim)
    {
        SimulationGraph graph = sim.ActiveGraph();
        return graph.Degrees().Min >= new HyParViewOptions().MinActiveViewSize && graph.IsConnected();
    }

    private static bool FullMeshConverged(OverlaySimulation sim)
    {
        int live = sim.LiveNodes.Count;
        DegreeStats members = sim.MemberCounts();
        return members.Min == live && members.Max == live && sim.LinkDegrees().Min == live - 1;
    }
}
