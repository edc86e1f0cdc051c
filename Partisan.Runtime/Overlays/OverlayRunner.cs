using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Partisan.Connections;
using Partisan.Diagnostics;
using Partisan.Routing;

namespace Partisan.Overlays;

/// <summary>
/// Hosts the node's <see cref="IOverlay"/> on the node's loop: gives it its <see cref="IOverlayContext"/> (clock,
/// seeded random, named timers, sends that dial on demand), tells it of connections coming and going and asks it to
/// admit inbound ones, and after every call reconciles the connections with its <see cref="IOverlay.Neighbours"/>.
/// It also decides what "up" and "down" mean: a node is reachable while this node has a connection to it, or it is
/// a member whose next hop (transitive relay) is connected. Monitors, calls and node callbacks fire on those
/// transitions only, so on a partial view a member that is not a neighbour is not "down".
/// </summary>
internal sealed class OverlayRunner : IOverlayContext, IConnectionEvents
{
    private readonly NodeLoop _loop;
    private readonly IOverlay _overlay;
    private readonly ConnectionManager _connections;
    private readonly Router _router;
    private readonly NodeEvents _events;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ITimer> _timers = new(StringComparer.Ordinal);
    private readonly HashSet<NodeName> _wanted = new();
    private readonly HashSet<NodeName> _reachable = new();
    private NodeName[] _memberNames = [];
    private bool _partial;
    private readonly Queue<PendingEvent> _pending = new();
    private string? _resetReason;
    private int _depth;
    private int _timerGeneration;
    private volatile NodeSpec[] _memberSpecs = [];
    private volatile FrozenDictionary<NodeName, NodeName> _nextHops = FrozenDictionary<NodeName, NodeName>.Empty;
    private volatile FrozenSet<NodeName> _reachableSnapshot = FrozenSet<NodeName>.Empty;

    public OverlayRunner(NodeLoop loop, IOverlay overlay, ConnectionManager connections, Router router, NodeEvents events, TimeProvider time, Random random, ILogger logger)
    {
        _loop = loop;
        _overlay = overlay;
        _connections = connections;
        _router = router;
        _events = events;
        Time = time;
        Random = random;
        _logger = logger;
    }

    /// <summary>The overlay.</summary>
    public IOverlay Overlay => _overlay;

    /// <inheritdoc />
    public NodeSpec Self => _connections.LocalSpec;

    /// <inheritdoc />
    public TimeProvider Time { get; }

    /// <inheritdoc />
    public Random Random { get; }

    /// <inheritdoc />
    public ILogger Logger => _logger;

    /// <summary>The members, this node included, sorted by name (a snapshot).</summary>
    public IReadOnlyList<NodeSpec> MemberSpecs => _memberSpecs;

    /// <summary>The members' names, this node included, sorted (a snapshot).</summary>
    public IReadOnlyList<NodeName> Members => _memberNames;

    /// <summary>Next hops for members this node reaches by relay only (a snapshot for senders).</summary>
    public FrozenDictionary<NodeName, NodeName> NextHops => _nextHops;

    /// <summary>True when <paramref name="node"/> is reachable (directly or by relay), as the loop last computed.</summary>
    public bool IsReachable(NodeName node) => _reachableSnapshot.Contains(node);

    // ---------------------------------------------------------------- calls into the overlay (loop only)

    /// <summary>Starts the overlay with this node alone.</summary>
    public void Start() => Run(static (o, c) => o.Start((IOverlayContext)c!), this, "start");

    /// <summary>Joins <paramref name="peer"/>.</summary>
    public void Join(NodeSpec peer) => Run(static (o, p) => o.Join((NodeSpec)p!), peer, "join");

    /// <summary>Removes <paramref name="node"/> (this node for a self-leave).</summary>
    public void Leave(NodeName node) => Run(static (o, n) => o.Leave((NodeName)n!), node, "leave");

    /// <summary>An overlay message arrived (any thread): handled on the loop.</summary>
    public void MessageArrived(NodeName from, object payload) =>
        _loop.Post(() => Run(static (o, s) => { var (f, p) = ((NodeName, object))s!; o.HandleMessage(f, p); }, (from, payload), "a message"));

    private void Run(Action<IOverlay, object?> call, object? state, string what)
    {
        _depth++;
        try
        {
            call(_overlay, state);
        }
        catch (Exception ex)
        {
            Log.OverlayFailed(_logger, what, ex);
        }
        finally
        {
            _depth--;
        }

        if (_depth == 0)
        {
            Settle();
        }
    }

    /// <summary>
    /// After a call into the overlay: reconcile the connections with its neighbours, hand it the connection events
    /// that happened meanwhile (one at a time, never inside another call), and carry out a requested reset.
    /// </summary>
    private void Settle()
    {
        _depth++;
        try
        {
            for (int round = 0; round < 1000; round++)
            {
                Reconcile();
                if (_resetReason is { } reason)
                {
                    _resetReason = null;
                    Reset(reason);
                    continue;
                }

                if (_pending.Count == 0)
                {
                    return;
                }

                while (_pending.TryDequeue(out PendingEvent pending))
                {
                    try
                    {
                        if (pending.Connected is { } spec)
                        {
                            _overlay.OnConnected(spec);
                        }
                        else
                        {
                            _overlay.OnDisconnected(pending.Node, pending.Reason!);
                        }
                    }
                    catch (Exception ex)
                    {
                        Log.OverlayFailed(_logger, pending.Connected is null ? "a lost connection" : "a connection", ex);
                    }
                }
            }
        }
        finally
        {
            _depth--;
        }
    }

    private readonly record struct PendingEvent(NodeSpec? Connected, NodeName Node, string? Reason);

    // ---------------------------------------------------------------- IOverlayContext

    /// <inheritdoc />
    public bool Send(NodeSpec to, object message)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(message);
        if (to.Name == Self.Name)
        {
            return false;
        }

        _connections.OnDemand(to);
        return _router.SendControl(to.Name, new Monitoring.MembershipMessage(message), ChannelOptions.MembershipName, 0);
    }

    /// <inheritdoc />
    public bool Send(NodeName to, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return to != Self.Name && _router.SendControl(to, new Monitoring.MembershipMessage(message), ChannelOptions.MembershipName, 0);
    }

    /// <inheritdoc />
    public void SetTimer(string name, TimeSpan due, TimeSpan? period = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CancelTimer(name);
        int generation = _timerGeneration;
        _timers[name] = Time.CreateTimer(
            static s =>
            {
                var (runner, timer, gen) = ((OverlayRunner, string, int))s!;
                runner._loop.Post(() =>
                {
                    if (gen == runner._timerGeneration && runner._timers.ContainsKey(timer))
                    {
                        runner.Run(static (o, t) => o.OnTimer((string)t!), timer, "timer " + timer);
                    }
                });
            },
            (this, name, generation),
            due,
            period ?? Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public void CancelTimer(string name)
    {
        if (_timers.Remove(name, out ITimer? timer))
        {
            timer.Dispose();
        }
    }

    /// <inheritdoc />
    public void Disconnect(NodeName node) => _connections.Disconnect(node, "disconnected");

    /// <inheritdoc />
    public bool IsConnected(NodeName node) => _connections.IsUp(node);

    /// <inheritdoc />
    public void ResetToSingleton(string reason) => _resetReason = reason;

    /// <summary>Closes everything and starts again alone with a new incarnation (after a leave or removal). Loop only.</summary>
    public void ResetNow(string reason)
    {
        _resetReason = reason;
        if (_depth == 0)
        {
            Settle();
        }
    }

    private void Reset(string reason)
    {
        if (reason == "removed")
        {
            Log.SelfRemoved(_logger);
        }

        foreach (ITimer timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
        _timerGeneration++;
        _wanted.Clear();
        _connections.DisconnectAll(reason);

        // A new incarnation, so this run's membership entries are fresh when it rejoins.
        NodeSpec old = _connections.LocalSpec;
        long incarnation = Math.Max(old.Incarnation + 1, Time.GetUtcNow().UtcTicks);
        _connections.SetLocal(new NodeSpec(old.Name, old.ListenAddresses, old.Channels, incarnation), _connections.SecretKey);
        _pending.Clear();
        _depth++;
        try
        {
            _overlay.Start(this);
        }
        catch (Exception ex)
        {
            Log.OverlayFailed(_logger, "start", ex);
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>Stops the overlay's timers (the node is stopping). Loop only.</summary>
    public void Stop()
    {
        foreach (ITimer timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
        _timerGeneration++;
    }

    // ---------------------------------------------------------------- IConnectionEvents

    void IConnectionEvents.PeerConnected(NodeSpec peer)
    {
        SetReachable(peer.Name, true, "connected");
        PublishReachability(relayChanged: false);
        _pending.Enqueue(new PendingEvent(peer, peer.Name, null));
        if (_depth == 0)
        {
            Settle();
        }
    }

    void IConnectionEvents.PeerDisconnected(NodeName peer, string reason)
    {
        SetReachable(peer, _partial && RelayPath(peer) is not null, reason);
        PublishReachability(relayChanged: false);
        _pending.Enqueue(new PendingEvent(null, peer, reason));
        if (_depth == 0)
        {
            Settle();
        }
    }

    string? IConnectionEvents.Admit(NodeSpec initiator, string channel)
    {
        try
        {
            OverlayAdmission admission = _overlay.Admit(initiator, channel);
            return admission.Refusal;
        }
        catch (Exception ex)
        {
            Log.OverlayFailed(_logger, "admission", ex);
            return "the overlay failed deciding admission";
        }
    }

    // ---------------------------------------------------------------- reconcile

    private void Reconcile()
    {
        IReadOnlyCollection<NodeSpec> members = _overlay.Members;
        IReadOnlyCollection<NodeSpec> neighbours = _overlay.Neighbours;
        NodeName self = Self.Name;
        var neighbourNames = new HashSet<NodeName>();
        foreach (NodeSpec spec in neighbours)
        {
            if (spec.Name == self)
            {
                continue;
            }

            neighbourNames.Add(spec.Name);
            _connections.Want(spec);
        }

        List<NodeName>? dropped = null;
        foreach (NodeName name in _wanted)
        {
            if (!neighbourNames.Contains(name))
            {
                (dropped ??= new List<NodeName>()).Add(name);
            }
        }

        var memberNames = new HashSet<NodeName>();
        foreach (NodeSpec spec in members)
        {
            memberNames.Add(spec.Name);
        }

        if (dropped is not null)
        {
            foreach (NodeName name in dropped)
            {
                _wanted.Remove(name);
                _connections.Unwant(name, memberNames.Contains(name) ? "not_a_neighbour" : "left");
            }
        }

        _wanted.UnionWith(neighbourNames);
        PublishMembers(members);
        _partial = false;
        foreach (NodeName name in memberNames)
        {
            if (name != self && !neighbourNames.Contains(name))
            {
                _partial = true;
                break;
            }
        }

        UpdateAllReachability(memberNames, "noconnection");
    }

    private void PublishMembers(IReadOnlyCollection<NodeSpec> members)
    {
        var specs = new NodeSpec[members.Count];
        int i = 0;
        foreach (NodeSpec spec in members)
        {
            specs[i++] = spec;
        }

        Array.Sort(specs, static (a, b) => a.Name.CompareTo(b.Name));
        NodeSpec[] current = _memberSpecs;
        bool changed = specs.Length != current.Length;
        for (int j = 0; !changed && j < specs.Length; j++)
        {
            changed = !specs[j].Equals(current[j]);
        }

        if (changed)
        {
            _memberSpecs = specs;
            _memberNames = Array.ConvertAll(specs, s => s.Name);
            Log.MembersChanged(_logger, string.Join(", ", _memberNames));
        }
    }

    // ---------------------------------------------------------------- reachability

    private NodeName? RelayPath(NodeName destination)
    {
        NodeName self = Self.Name;
        return SafeNextHop(destination) is { } hop && hop != destination && hop != self && _connections.IsUp(hop) ? hop : null;
    }

    private void UpdateAllReachability(HashSet<NodeName> members, string reason)
    {
        NodeName self = Self.Name;
        Dictionary<NodeName, NodeName>? hops = null;
        var candidates = new HashSet<NodeName>(members);
        candidates.UnionWith(_reachable);
        foreach (NodeName name in candidates)
        {
            if (name == self)
            {
                continue;
            }

            bool up = _connections.IsUp(name);
            if (!up && _partial && members.Contains(name) && RelayPath(name) is { } hop)
            {
                (hops ??= new Dictionary<NodeName, NodeName>())[name] = hop;
                up = true;
            }

            SetReachable(name, up, reason);
        }

        FrozenDictionary<NodeName, NodeName> current = _nextHops;
        if (hops is null ? current.Count > 0 : !SameHops(current, hops))
        {
            _nextHops = hops is null ? FrozenDictionary<NodeName, NodeName>.Empty : hops.ToFrozenDictionary();
        }

        PublishReachability(relayChanged: false);
    }

    private static bool SameHops(FrozenDictionary<NodeName, NodeName> current, Dictionary<NodeName, NodeName> next)
    {
        if (current.Count != next.Count)
        {
            return false;
        }

        foreach (KeyValuePair<NodeName, NodeName> pair in next)
        {
            if (!current.TryGetValue(pair.Key, out NodeName hop) || hop != pair.Value)
            {
                return false;
            }
        }

        return true;
    }

    private NodeName? SafeNextHop(NodeName destination)
    {
        try
        {
            return _overlay.NextHop(destination);
        }
        catch (Exception ex)
        {
            Log.OverlayFailed(_logger, "next hop", ex);
            return null;
        }
    }

    private void SetReachable(NodeName node, bool reachable, string reason)
    {
        if (reachable && _reachable.Add(node))
        {
            _events.NodeUp(node);
        }
        else if (!reachable && _reachable.Remove(node))
        {
            _events.NodeDown(node, reason);
        }
    }

    private void PublishReachability(bool relayChanged)
    {
        if (relayChanged || _reachableSnapshot.Count != _reachable.Count || !_reachableSnapshot.SetEquals(_reachable))
        {
            _reachableSnapshot = _reachable.ToFrozenSet();
        }
    }
}
