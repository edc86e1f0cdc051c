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
internal sealed partial class OverlayRunner : IOverlayContext, IConnectionEvents
{
    private readonly NodeLoop _loop;
    private readonly IOverlay _overlay;
    private readonly ConnectionManager _connections;
    private readonly Router _router;
    private readonly NodeEvents _events;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ArmedTimer> _timers = new(StringComparer.Ordinal);
    private readonly HashSet<NodeName> _wanted = new();
    private readonly HashSet<NodeName> _reachable = new();
    private NodeName[] _memberNames = [];
    private bool _partial;
    private readonly Queue<PendingEvent> _pending = new();
    private string? _resetReason;
    private int _depth;
    private volatile NodeSpec[] _memberSpecs = [];
    private volatile FrozenDictionary<NodeName, NodeName> _nextHops = FrozenDictionary<NodeName, NodeName>.Empty;
    // Never changed once published (readers on any thread): a plain set, cheaper to build than a frozen one, and
    // rebuilt on every up/down transition, n per node while a cluster forms.
    private volatile HashSet<NodeName> _reachableSnapshot = new();

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
    public void Start()
    {
        Run(static (o, c) => o.Start((IOverlayContext)c!), this, "start");
        _overlayStarted = true;
    }

    private bool _overlayStarted;

    /// <summary>Joins <paramref name="peer"/>.</summary>
    public void Join(NodeSpec peer) => Run(static (o, p) => o.Join((NodeSpec)p!), peer, "join");

    /// <summary>Removes <paramref name="node"/> (this node for a self-leave).</summary>
    public void Leave(NodeName node) => Run(static (o, n) => o.Leave((NodeName)n!), node, "leave");

    /// <summary>
    /// Something wants to reach <paramref name="node"/> and found no route (any thread): the overlay hears it on the loop
    /// (<see cref="IOverlay.RouteWanted"/>), at most once per node until that call has run.
    /// </summary>
    public void RequestRoute(NodeName node)
    {
        if (node == Self.Name || !_routeRequests.TryAdd(node, 0))
        {
            return;
        }

        _loop.Post(() =>
        {
            _routeRequests.TryRemove(node, out _);
            if (!IsReachable(node))
            {
                Run(static (o, n) => o.RouteWanted((NodeName)n!), node, "a route request");
            }
        });
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<NodeName, byte> _routeRequests = new();

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
        return SendOverlay(to.Name, message);
    }

    /// <inheritdoc />
    public bool Send(NodeName to, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return to != Self.Name && SendOverlay(to, message);
    }

    // An IOverlaySnapshot replaces an older one of its type still queued for the same peer.
    private bool SendOverlay(NodeName to, object message) =>
        _router.SendOverlay(to, new Monitoring.MembershipMessage(message), message is IOverlaySnapshot ? message.GetType().TypeHandle.Value.ToInt64() : 0);

    /// <inheritdoc />
    public void SetTimer(string name, TimeSpan due, TimeSpan? period = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(due, TimeSpan.Zero);
        if (period is { } every)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero, nameof(period));
        }

        CancelTimer(name);
        var armed = new ArmedTimer(this, name, period is not null);
        _timers[name] = armed;
        if (due == TimeSpan.Zero && period is null)
        {
            // "As soon as the loop is free": after the work already queued, without the clock, so an overlay can
            // coalesce a burst of changes into one action and virtual-time tests need not advance time for it.
            _loop.Post(armed.Fire);
            return;
        }

        armed.Timer = Time.CreateTimer(static s => ((ArmedTimer)s!).OnElapsed(), armed, due, period ?? Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public void CancelTimer(string name)
    {
        if (_timers.Remove(name, out ArmedTimer? armed))
        {
            armed.Timer?.Dispose();
        }
    }

    private void CancelAllTimers()
    {
        foreach (ArmedTimer armed in _timers.Values)
        {
            armed.Timer?.Dispose();
        }

        _timers.Clear();
    }

    // One arming of a named timer. A tick that was already queued when the name was re-armed, cancelled or reset
    // finds another (or no) ArmedTimer under its name and does nothing.
    private sealed class ArmedTimer(OverlayRunner runner, string name, bool periodic)
    {
        public ITimer? Timer { get; set; }

        // On a timer thread: hop onto the loop.
        public void OnElapsed() => runner._loop.Post(Fire);

        // On the loop.
        public void Fire()
        {
            if (!runner._timers.TryGetValue(name, out ArmedTimer? current) || !ReferenceEquals(current, this))
            {
                return;
            }

            if (!periodic)
            {
                runner._timers.Remove(name);
                Timer?.Dispose();
            }

            runner.Run(static (o, t) => o.OnTimer((string)t!), name, "timer " + name);
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

        CancelAllTimers();
        _wanted.Clear();
        _connections.DisconnectAll(reason);

        // A new incarnation, so this run's membership entries are fresh when it rejoins.
        NodeSpec old = _connections.LocalSpec;
        long incarnation = Math.Max(old.Incarnation + 1, Time.GetUtcNow().UtcTicks);
        _connections.SetLocal(new NodeSpec(old.Name, old.ListenAddresses, old.Channels, incarnation, old.Tags), _connections.SecretKey);
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
        CancelAllTimers();
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
        // An inbound connection's admission is urgent work and can overtake the overlay's start on the loop: an overlay
        // is never asked before it has a context.
        if (!_overlayStarted)
        {
            return "this node is starting";
        }

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
}
