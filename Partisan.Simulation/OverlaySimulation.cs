using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Partisan.Overlays;

namespace Partisan.Simulation;

/// <summary>
/// Runs many <see cref="IOverlay"/> instances in one process on virtual time, at the overlay seam: each node gets an
/// <see cref="IOverlayContext"/> that behaves as the runtime's overlay runner and connection manager do (reconcile after
/// every call, dials with backoff, admission, one link per pair, connection events after the current call), and the
/// network between them is a single-threaded discrete-event scheduler with seeded latencies, crashes, partitions and
/// message rules. No sockets, no threads: a run is a pure function of <see cref="SimulationOptions.Seed"/> and of what
/// the caller does, and <see cref="TraceHash"/> fingerprints it.
/// </summary>
/// <remarks>
/// Drive it from one thread: add nodes, join them, then <see cref="RunFor"/> or <see cref="RunUntil"/>; inject faults
/// between runs (<see cref="Crash"/>, <see cref="Partition"/>, <see cref="AddRule"/>) and read the graph and counters.
/// What it leaves out of the runtime: channels other than membership and parallel connections, pending-byte limits,
/// reachability and node up/down notices, and keep-alive traffic (a partition is detected after
/// <see cref="SimulationOptions.PartitionDetectionDelay"/>).
/// </remarks>
public sealed partial class OverlaySimulation
{
    private static readonly IReadOnlyList<ChannelOptions> SimChannels = [ChannelOptions.Default, ChannelOptions.Membership];

    private readonly Func<NodeSpec, IOverlay> _createOverlay;
    private readonly List<SimulatedNode> _nodes = new();
    private readonly Dictionary<NodeName, SimulatedNode> _byName = new();
    private readonly Random _network;
    private long _nextArmId;

    /// <summary>Creates an empty simulation; <paramref name="createOverlay"/> makes a node's overlay (at <see cref="AddNode"/> and <see cref="Restart"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public OverlaySimulation(SimulationOptions options, Func<NodeSpec, IOverlay> createOverlay)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createOverlay);
        options.Validate();
        Options = options;
        _createOverlay = createOverlay;
        Clock = new SimulationClock(options.StartTime);
        Logger = options.Logger ?? NullLogger.Instance;
        _network = new Random(DeriveSeed(options.Seed, -1, 0));
    }

    /// <summary>The options the simulation runs with (do not change them once it runs).</summary>
    public SimulationOptions Options { get; }

    /// <summary>The virtual clock every node's <see cref="IOverlayContext.Time"/> reads.</summary>
    public SimulationClock Clock { get; }

    /// <summary>Virtual time since the run started.</summary>
    public TimeSpan Now => new(Clock.Ticks);

    /// <summary>What the simulation counted so far.</summary>
    public SimulationCounters Counters { get; } = new();

    /// <summary>Every node added, in the order it was added (crashed ones included).</summary>
    public IReadOnlyList<NodeName> Nodes
    {
        get
        {
            var names = new NodeName[_nodes.Count];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = _nodes[i].Name;
            }

            return names;
        }
    }

    /// <summary>The nodes not crashed, in the order they were added.</summary>
    public IReadOnlyList<NodeName> LiveNodes
    {
        get
        {
            var names = new List<NodeName>(_nodes.Count);
            foreach (SimulatedNode node in _nodes)
            {
                if (node.Alive)
                {
                    names.Add(node.Name);
                }
            }

            return names;
        }
    }

    internal ILogger Logger { get; }

    internal long NowTicks => Clock.Ticks;

    // Scratch list for a node's reconcile (never re-entered: wanting or unwanting a peer calls no overlay).
    internal List<NodeName> ScratchDropped { get; } = new();

    /// <summary>
    /// Adds a node and starts its overlay alone: its spec has a made-up listen address, the name
    /// <c><paramref name="name"/>@sim</c> unless <paramref name="name"/> holds an '@', and <paramref name="tags"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid or already taken.</exception>
    public NodeSpec AddNode(string name, IReadOnlyList<string>? tags = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        NodeName nodeName = NodeName.Parse(name.Contains('@', StringComparison.Ordinal) ? name : name + "@sim");
        if (_byName.ContainsKey(nodeName))
        {
            throw new ArgumentException($"A node named {nodeName} is already in the simulation.", nameof(name));
        }

        int index = _nodes.Count;
        var address = new ListenAddress($"node{index}.sim", 4370);
        var spec = new NodeSpec(nodeName, [address], SimChannels, Clock.GetUtcNow().UtcTicks, tags ?? []);
        IOverlay overlay = _createOverlay(spec);
        var node = new SimulatedNode(this, index, spec, overlay, new Random(DeriveSeed(Options.Seed, index, 1)));
        _nodes.Add(node);
        _byName.Add(nodeName, node);
        Counters.AddNode();
        node.Start();
        return spec;
    }

    /// <summary>The current spec of <paramref name="node"/> (a new incarnation after a reset or restart).</summary>
    public NodeSpec Spec(NodeName node) => Get(node).Spec;

    /// <summary>The overlay of <paramref name="node"/> (of its current run).</summary>
    public IOverlay Overlay(NodeName node) => Get(node).Overlay;

    /// <summary>The position of <paramref name="node"/> in <see cref="Nodes"/> (for <see cref="SimulationCounters.ForNode"/>).</summary>
    public int IndexOf(NodeName node) => Get(node).Index;

    /// <summary>True when <paramref name="node"/> has not crashed (or has restarted).</summary>
    public bool IsLive(NodeName node) => Get(node).Alive;

    /// <summary>True when <paramref name="node"/> counts a connection to <paramref name="peer"/> (its <see cref="IOverlayContext.IsConnected"/>).</summary>
    public bool IsConnected(NodeName node, NodeName peer) => Get(node) is { Alive: true } n && n.IsConnected(peer);

    /// <summary>True when both <paramref name="a"/> and <paramref name="b"/> count the link between them as up.</summary>
    public bool IsLinked(NodeName a, NodeName b) => IsConnected(a, b) && IsConnected(b, a);

    /// <summary>Asks <paramref name="node"/>'s overlay to join <paramref name="seed"/> (with the seed's current spec).</summary>
    public void Join(NodeName node, NodeName seed) => Live(node).Join(Get(seed).Spec);

    /// <summary>
    /// Asks <paramref name="node"/>'s overlay to remove <paramref name="who"/>; when that is <paramref name="node"/> itself,
    /// the node then starts again alone with a new incarnation, as the runtime's self-leave does.
    /// </summary>
    public void Leave(NodeName node, NodeName who)
    {
        SimulatedNode n = Live(node);
        n.Leave(who);
        if (who == node && n.Alive)
        {
            n.ResetNow("left");
        }
    }

    /// <summary>
    /// Tells <paramref name="from"/>'s overlay that something wants to reach <paramref name="to"/>
    /// (<see cref="IOverlay.RouteWanted"/>, where an on-demand routing overlay starts a search).
    /// </summary>
    public void RequestRoute(NodeName from, NodeName to) => Live(from).RouteWanted(to);

    /// <summary>
    /// Stops <paramref name="node"/> dead: its timers and queued messages are gone, and its peers learn their links to it
    /// closed after <see cref="SimulationOptions.CrashDetectionDelay"/>. Messages in flight to or from it are lost.
    /// </summary>
    public void Crash(NodeName node)
    {
        SimulatedNode n = Get(node);
        if (n.Alive)
        {
            n.Crash();
        }
    }

    /// <summary>
    /// Starts a new run of <paramref name="node"/> (crashing it first if it is live): a new incarnation and a new overlay
    /// from the factory, started alone; it joins <paramref name="seed"/> when one is given (else call <see cref="Join"/>).
    /// </summary>
    public NodeSpec Restart(NodeName node, NodeName? seed = null)
    {
        SimulatedNode n = Get(node);
        if (n.Alive)
        {
            n.Crash();
        }

        NodeSpec old = n.Spec;
        var spec = new NodeSpec(old.Name, old.ListenAddresses, old.Channels, Math.Max(old.Incarnation + 1, Clock.GetUtcNow().UtcTicks), old.Tags);
        n.Restart(_createOverlay(spec), spec, new Random(DeriveSeed(Options.Seed, n.Index, n.Runs + 1)));
        if (seed is { } s)
        {
            n.Join(Get(s).Spec);
        }

        return spec;
    }

    internal long NextArmId() => ++_nextArmId;

    internal double NextJitter() => _network.NextDouble();

    internal void OverlayFailed(SimulatedNode node, string what, Exception error)
    {
        Counters.OverlayFailures++;
        Log.OverlayFailed(Logger, node.Name.Value, what, error);
    }

    private SimulatedNode Get(NodeName node) =>
        _byName.TryGetValue(node, out SimulatedNode? n) ? n : throw new ArgumentException($"{node} is not in the simulation.", nameof(node));

    private SimulatedNode Live(NodeName node)
    {
        SimulatedNode n = Get(node);
        return n.Alive ? n : throw new InvalidOperationException($"{node} has crashed; restart it first.");
    }

    internal SimulatedNode? Find(NodeName node) => _byName.GetValueOrDefault(node);

    // SplitMix64 over (seed, node, run): seeds that differ in one bit give unrelated sequences, and no process-random hash is involved.
    private static int DeriveSeed(int seed, int node, int run)
    {
        ulong z = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)node * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)run << 48);
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
