using System.Diagnostics;
using System.Globalization;
using Partisan.Broadcast;
using Partisan.Overlays.HyParView;
using Partisan.Simulation;

namespace Partisan.Bench;

/// <summary>
/// The broadcast scenario in the simulator (<c>broadcast --simulated</c>): Plumtree over HyParView at N nodes (default
/// 1,000) on virtual time, default <see cref="BroadcastOptions"/> and <see cref="HyParViewOptions"/>. After the views form
/// and one broadcast per root prunes its tree, broadcasts from the roots in turn: the virtual time until the last live node
/// merged each one (time to reach all), every node's delivery, and the relative message redundancy.
/// </summary>
internal static class BroadcastSimulate
{
    public static Dictionary<string, object> Run(int count, int broadcasts, int seed)
    {
        var wall = Stopwatch.StartNew();
        OverlaySimulation? sim = null;
        var arrivals = new Dictionary<string, (int Nodes, TimeSpan Last)>(StringComparer.Ordinal);
        var handlers = new Dictionary<NodeName, Handler>();
        sim = new OverlaySimulation(
            new SimulationOptions { Seed = seed },
            spec => new BroadcastOverlay(new HyParViewOverlay(new HyParViewOptions()), new BroadcastOptions(), engine =>
            {
                var handler = new Handler(id =>
                {
                    arrivals.TryGetValue(id, out (int Nodes, TimeSpan Last) seen);
                    arrivals[id] = (seen.Nodes + 1, sim!.Now);
                });
                handlers[spec.Name] = handler;
                engine.Register(handler);
            }));
        for (int i = 0; i < count; i++)
        {
            sim.AddNode("b" + i.ToString(CultureInfo.InvariantCulture));
        }

        var random = new Random(seed);
        IReadOnlyList<NodeName> names = sim.Nodes;
        for (int i = 1; i < count; i++)
        {
            sim.Join(names[i], names[random.Next(i)]);
        }

        // Connected is what broadcast needs; after an all-at-once join a few nodes can stay below the minimum active view
        // for minutes (bench/README.md, the 10,000-node run), which is the overlay's figure, not broadcast's.
        bool formed = sim.RunUntil(() => sim.ActiveGraph().IsConnected(), TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(1));
        if (!formed)
        {
            throw new TimeoutException($"{count} simulated HyParView nodes did not form a connected graph within 3 minutes virtual.");
        }

        sim.RunFor(TimeSpan.FromSeconds(5));
        NodeName[] roots = [.. Enumerable.Range(0, 5).Select(_ => names[random.Next(count)]).Distinct()];
        foreach (NodeName root in roots)
        {
            Publish(sim, handlers, root, "warm-" + root);
            sim.RunFor(TimeSpan.FromSeconds(3));
        }

        long receivedBefore = Sum(sim, static c => c.PayloadsReceived);
        var reach = new List<double>(broadcasts);
        int complete = 0;
        for (int i = 0; i < broadcasts; i++)
        {
            string id = "b-" + i.ToString(CultureInfo.InvariantCulture);
            TimeSpan sent = sim.Now;
            Publish(sim, handlers, roots[i % roots.Length], id);
            sim.RunFor(TimeSpan.FromSeconds(3)); // a lazy tick plus a graft timeout: what a missed eager push takes
            if (arrivals.TryGetValue(id, out (int Nodes, TimeSpan Last) seen) && seen.Nodes == count - 1)
            {
                complete++;
                reach.Add((seen.Last - sent).TotalMilliseconds);
            }
        }

        long received = Sum(sim, static c => c.PayloadsReceived) - receivedBefore;
        reach.Sort();
        double At(double q) => reach.Count == 0 ? double.NaN : reach[Math.Clamp((int)Math.Ceiling(q * reach.Count) - 1, 0, reach.Count - 1)];
        return new Dictionary<string, object>
        {
            ["bench"] = "broadcast",
            ["mode"] = "simulated",
            ["overlay"] = "hyparview",
            ["nodes"] = count,
            ["n"] = broadcasts,
            ["reached_all"] = complete,
            ["reach_p50_virtual_ms"] = Math.Round(At(0.5), 1),
            ["reach_max_virtual_ms"] = Math.Round(At(1.0), 1),
            ["rmr"] = Math.Round((double)received / ((double)broadcasts * (count - 1)) - 1, 3),
            ["seed"] = seed,
            ["wall_s"] = Math.Round(wall.Elapsed.TotalSeconds, 1),
        };
    }

    private static void Publish(OverlaySimulation sim, Dictionary<NodeName, Handler> handlers, NodeName root, string id)
    {
        Handler handler = handlers[root];
        handler.Items.Add(id);
        ((BroadcastOverlay)sim.Overlay(root)).Engine.Broadcast(id, handler);
    }

    private static long Sum(OverlaySimulation sim, Func<BroadcastCounters, long> counter)
    {
        long sum = 0;
        foreach (NodeName node in sim.LiveNodes)
        {
            sum += counter(((BroadcastOverlay)sim.Overlay(node)).Engine.Counters);
        }

        return sum;
    }

    /// <summary>Strings, each its own id and payload; reports each one it merges.</summary>
    private sealed class Handler(Action<string> merged) : IBroadcastHandler
    {
        public HashSet<string> Items { get; } = new(StringComparer.Ordinal);

        public string Name => "bench";

        public BroadcastData BroadcastData(object message) => new(message, message);

        public bool Merge(object id, object payload)
        {
            if (!Items.Add((string)payload))
            {
                return false;
            }

            merged((string)payload);
            return true;
        }

        public bool IsStale(object id) => Items.Contains((string)id);

        public GraftResult Graft(object id) => Items.Contains((string)id) ? GraftResult.Found(id) : GraftResult.Failed("unknown id");
    }
}
