using Partisan.Overlays.HyParView;

namespace Partisan.Demo;

/// <summary>
/// <c>Partisan.Demo hyparview</c>: 50 nodes in this process on 127.0.0.1 run the HyParView overlay. It prints their active
/// views (small, bounded), kills a node and shows its neighbours repairing their views from their passive views, then sends a
/// message to a node several hops away and prints the relay path it takes.
/// </summary>
internal static class HyParViewDemo
{
    private const int Size = 50;

    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var options = new HyParViewOptions
        {
            // Faster rounds than the defaults (10 s shuffles, 5 s promotion) so the demo takes seconds.
            ShuffleInterval = TimeSpan.FromSeconds(1),
            RandomPromotionInterval = TimeSpan.FromMilliseconds(500),
            NeighbourRequestTimeout = TimeSpan.FromSeconds(1),
        };
        var nodes = new List<PartisanNode>(Size);
        try
        {
            Console.WriteLine($"Starting {Size} nodes with the HyParView overlay (active view {options.ActiveViewSize}, passive view {options.PassiveViewSize})...");
            for (int i = 0; i < Size; i++)
            {
                nodes.Add(await PartisanNode.StartAsync(
                    new PartisanOptions
                    {
                        NodeName = $"hv{i:00}@127.0.0.1",
                        ClusterSecret = "hyparview-demo-secret",
                        Overlay = () => new HyParViewOverlay(options),
                    },
                    cancellationToken: cancellationToken).ConfigureAwait(false));
            }

            var random = new Random(2026);
            for (int i = 1; i < Size; i++)
            {
                await nodes[i].JoinAsync(nodes[random.Next(i)].ListenAddresses[0], cancellationToken).ConfigureAwait(false);
            }

            if (!await WaitAsync(() => Healthy(nodes), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false))
            {
                Console.WriteLine("The overlay did not settle within 60 s.");
                return 1;
            }

            PrintViews(nodes, "Active views once the cluster formed (each node is connected to these, and only these):");

            PartisanNode victim = nodes.OrderByDescending(n => n.Nodes().Count).First();
            NodeName[] orphans = victim.Nodes().ToArray();
            Console.WriteLine();
            Console.WriteLine($"Killing {victim.Name}; its neighbours were {string.Join(", ", orphans.Select(Short))}.");
            nodes.Remove(victim);
            await victim.DisposeAsync().ConfigureAwait(false);
            if (!await WaitAsync(() => Healthy(nodes) && nodes.All(n => !n.Nodes().Contains(victim.Name)), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false))
            {
                Console.WriteLine("The views did not repair within 60 s.");
                return 1;
            }

            Console.WriteLine("Its former neighbours promoted passive peers to replace it:");
            foreach (PartisanNode node in nodes.Where(n => orphans.Contains(n.Name)))
            {
                Console.WriteLine($"  {Short(node.Name)} -> {string.Join(" ", node.Nodes().Select(Short).Order(StringComparer.Ordinal))}");
            }

            (PartisanNode from, PartisanNode to, int distance) = FarthestPair(nodes);
            Console.WriteLine();
            Console.WriteLine($"{Short(from.Name)} and {Short(to.Name)} are {distance} hops apart. {Short(from.Name)} asks the overlay for a route...");
            if (!await from.ReachAsync(to.Name, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
            {
                Console.WriteLine("No route was found.");
                return 1;
            }

            var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            to.Spawn(async ctx => received.TrySetResult((string)(await ctx.ReceiveAsync().ConfigureAwait(false))!), "inbox");
            string text = $"hello from {Short(from.Name)}";
            from.Send(ProcessRef.ForName("inbox", to.Name), text);
            string got = await received.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Relay path: {string.Join(" -> ", Path(nodes, from, to).Select(Short))}");
            Console.WriteLine($"{Short(to.Name)} received \"{got}\" without a direct connection to {Short(from.Name)} ({(from.IsConnected(to.Name) ? "connected!" : "none")}).");
            return got == text && !from.IsConnected(to.Name) ? 0 : 1;
        }
        finally
        {
            foreach (PartisanNode node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static string Short(NodeName name) => name.Value[..name.Value.IndexOf('@', StringComparison.Ordinal)];

    /// <summary>Every node has 3 to 6 live neighbours and the connection graph is one piece.</summary>
    private static bool Healthy(List<PartisanNode> nodes) =>
        nodes.All(n => n.Nodes().Count is >= 3 and <= 7) && Distances(nodes, nodes[0]).Count == nodes.Count;

    private static Dictionary<NodeName, int> Distances(List<PartisanNode> nodes, PartisanNode from)
    {
        var byName = nodes.ToDictionary(n => n.Name);
        var distance = new Dictionary<NodeName, int> { [from.Name] = 0 };
        var queue = new Queue<NodeName>([from.Name]);
        while (queue.TryDequeue(out NodeName current))
        {
            foreach (NodeName next in byName[current].Nodes())
            {
                if (byName.ContainsKey(next) && distance.TryAdd(next, distance[current] + 1))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return distance;
    }

    private static (PartisanNode From, PartisanNode To, int Distance) FarthestPair(List<PartisanNode> nodes)
    {
        PartisanNode from = nodes[0];
        Dictionary<NodeName, int> distances = Distances(nodes, from);
        KeyValuePair<NodeName, int> far = distances.MaxBy(p => p.Value);
        return (from, nodes.First(n => n.Name == far.Key), far.Value);
    }

    private static List<NodeName> Path(List<PartisanNode> nodes, PartisanNode from, PartisanNode to)
    {
        var byName = nodes.ToDictionary(n => n.Name);
        var path = new List<NodeName> { from.Name };
        NodeName current = from.Name;
        while (current != to.Name && path.Count <= 16 && byName[current].NextHop(to.Name) is { } hop)
        {
            path.Add(hop);
            current = hop;
        }

        return path;
    }

    private static void PrintViews(List<PartisanNode> nodes, string title)
    {
        Console.WriteLine(title);
        foreach (PartisanNode node in nodes)
        {
            Console.WriteLine($"  {Short(node.Name)} -> {string.Join(" ", node.Nodes().Select(Short).Order(StringComparer.Ordinal))}   (knows {node.Members().Count} members)");
        }
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline || !await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }
}
