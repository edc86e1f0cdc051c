using Microsoft.Extensions.Logging;
using Partisan.Overlays;

namespace Partisan.Simulation;

/// <summary>
/// One simulated node: its overlay and the <see cref="IOverlayContext"/> it gets, doing what the runtime's
/// <c>OverlayRunner</c> does (calls contained, connection events delivered after the current call, a reconcile after
/// every call, named timers with replace semantics, a reset to a cluster of one) and, in
/// <c>SimulatedNode.Connections.cs</c>, what its <c>ConnectionManager</c> does, on the simulation's virtual time.
/// </summary>
internal sealed partial class SimulatedNode : IOverlayContext
{
    private readonly OverlaySimulation _sim;
    private readonly Queue<PendingEvent> _pending = new();
    private Dictionary<string, TimerArm>? _timers;
    private string? _resetReason;
    private int _depth;
    private long _reconcileStamp;

    // What the last full reconcile saw, to skip one that would change nothing (see Reconcile).
    private NodeSpec[]? _lastNeighbours;
    private long _reconciledVersion = -1;

    public SimulatedNode(OverlaySimulation sim, int index, NodeSpec spec, IOverlay overlay, Random random)
    {
        _sim = sim;
        Index = index;
        Spec = spec;
        Name = spec.Name;
        Overlay = overlay;
        Random = random;
        Alive = true;
    }

    /// <summary>The order in which the node was added (0-based).</summary>
    public int Index { get; }

    public NodeName Name { get; }

    /// <summary>This run's spec (a new incarnation after a reset or a restart).</summary>
    public NodeSpec Spec { get; private set; }

    public IOverlay Overlay { get; private set; }

    public bool Alive { get; private set; }

    /// <summary>Changes when the node crashes or restarts: events of an earlier run are stale.</summary>
    public int Epoch { get; private set; }

    /// <summary>How many times the node has been started (its first run is 1).</summary>
    public int Runs { get; private set; } = 1;

    /// <summary>True while a call into the overlay (or the settling after it) is under way: for the tests' invariant.</summary>
    public bool InsideOverlayCall => _depth > 0;

    // ---------------------------------------------------------------- IOverlayContext

    public NodeSpec Self => Spec;

    public TimeProvider Time => _sim.Clock;

    public Random Random { get; private set; }

    public ILogger Logger => _sim.Logger;

    public bool Send(NodeSpec to, object message)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(message);
        if (to.Name == Name || !Alive)
        {
            return false;
        }

        OnDemand(to);
        return SendOverlay(to.Name, message);
    }

    public bool Send(NodeName to, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return to != Name && Alive && SendOverlay(to, message);
    }

    public void SetTimer(string name, TimeSpan due, TimeSpan? period = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(due, TimeSpan.Zero);
        if (period is { } every)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero, nameof(period));
        }

        if (!Alive)
        {
            return;
        }

        // Arming a name again replaces it: the tick queued for the old arming finds another arming and does nothing.
        // A zero-due one-shot is queued at the current instant, so it runs after the events already queued for it.
        var arm = new TimerArm(_sim.NextArmId(), period?.Ticks ?? 0);
        (_timers ??= new Dictionary<string, TimerArm>(StringComparer.Ordinal))[name] = arm;
        _sim.Schedule(_sim.NowTicks + due.Ticks, new SimEvent(SimEventKind.Timer, this, name, Arg: arm.Id));
    }

    public void CancelTimer(string name) => _timers?.Remove(name);

    public void Disconnect(NodeName node)
    {
        if (_peers.TryGetValue(node, out SimulatedPeer? peer))
        {
            Remove(peer, "disconnected");
        }
    }

    public bool IsConnected(NodeName node) => _peers.TryGetValue(node, out SimulatedPeer? peer) && peer.Connected;

    public void ResetToSingleton(string reason) => _resetReason = reason;

    // ---------------------------------------------------------------- calls into the overlay

    public void Start() => Run(static (o, c) => o.Start((IOverlayContext)c!), this, "start");

    public void Join(NodeSpec peer) => Run(static (o, p) => o.Join((NodeSpec)p!), peer, "join");

    public void Leave(NodeName node) => Run(static (o, n) => o.Leave((NodeName)n!), node, "leave");

    public void Deliver(NodeName from, object message) =>
        Run(static (o, s) => { var (f, m) = ((NodeName, object))s!; o.HandleMessage(f, m); }, (from, message), "a message");

    public void RouteWanted(NodeName destination) => Run(static (o, d) => o.RouteWanted((NodeName)d!), destination, "route wanted");

    /// <summary>Carries out a reset now (a self-leave), or after the current call.</summary>
    public void ResetNow(string reason)
    {
        _resetReason = reason;
        if (_depth == 0)
        {
            Settle();
        }
    }

    public void OnTimerDue(string name, long armId)
    {
        if (_timers is null || !_timers.TryGetValue(name, out TimerArm? arm) || arm.Id != armId)
        {
            return; // cancelled, re-armed, or the node was reset or crashed
        }

        if (arm.PeriodTicks > 0)
        {
            _sim.Schedule(_sim.NowTicks + arm.PeriodTicks, new SimEvent(SimEventKind.Timer, this, name, Arg: arm.Id));
        }
        else
        {
            _timers.Remove(name);
        }

        Run(static (o, t) => o.OnTimer((string)t!), name, "timer " + name);
    }

    public NodeName? SafeNextHop(NodeName destination)
    {
        try
        {
            return Overlay.NextHop(destination);
        }
        catch (Exception ex)
        {
            _sim.OverlayFailed(this, "next hop", ex);
            return null;
        }
    }

    private void Run(Action<IOverlay, object?> call, object? state, string what)
    {
        if (!Alive)
        {
            return;
        }

        _depth++;
        try
        {
            call(Overlay, state);
        }
        catch (Exception ex)
        {
            _sim.OverlayFailed(this, what, ex);
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

    // After a call: reconcile, hand the overlay the connection events that happened meanwhile (one at a time, never
    // inside another call), carry out a requested reset; as the runtime's OverlayRunner.Settle.
    private void Settle()
    {
        _depth++;
        try
        {
            for (int round = 0; round < 1000 && Alive; round++)
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
                            Overlay.OnConnected(spec);
                        }
                        else
                        {
                            Overlay.OnDisconnected(pending.Node, pending.Reason!);
                        }
                    }
                    catch (Exception ex)
                    {
                        _sim.OverlayFailed(this, pending.Connected is null ? "a lost connection" : "a connection", ex);
                    }
                }
            }
        }
        finally
        {
            _depth--;
        }
    }

    // Want every neighbour, unwant the wanted peers that stopped being one (in name order, so no table's order leaks
    // into the run). As the runner's reconcile, with a stamp on each peer instead of a set of wanted names: one table
    // lookup per neighbour, so the n² connection events of a forming full mesh stay cheap.
    private void Reconcile()
    {
        IReadOnlyCollection<NodeSpec> neighbours = Overlay.Neighbours;
        if (_tableVersion == _reconciledVersion && SameAsLastReconcile(neighbours))
        {
            // The same specs as last time and no peer forgotten since: every Want would change nothing and nothing is
            // to be dropped, so the outcome is the runner's; this skips the O(n) lookups after most connection events.
            return;
        }

        long stamp = ++_reconcileStamp;
        if (neighbours is NodeSpec[] array)
        {
            // The common shape (full mesh): no interface enumerator on the hottest loop of a forming cluster.
            foreach (NodeSpec spec in array)
            {
                if (spec.Name != Name)
                {
                    Want(spec).ReconcileStamp = stamp;
                }
            }
        }
        else
        {
            foreach (NodeSpec spec in neighbours)
            {
                if (spec.Name != Name)
                {
                    Want(spec).ReconcileStamp = stamp;
                }
            }
        }

        List<NodeName>? dropped = null;
        foreach (SimulatedPeer peer in _peers.Values)
        {
            if (peer.Wanted && peer.ReconcileStamp != stamp)
            {
                (dropped ??= _sim.ScratchDropped).Add(peer.Name);
            }
        }

        if (dropped is not null)
        {
            dropped.Sort();
            foreach (NodeName name in dropped)
            {
                Unwant(name, IsMember(name) ? "not_a_neighbour" : "left");
            }

            dropped.Clear();
        }

        RememberReconciled(neighbours);
    }

    private bool SameAsLastReconcile(IReadOnlyCollection<NodeSpec> neighbours)
    {
        NodeSpec[]? last = _lastNeighbours;
        if (last is null || last.Length != neighbours.Count)
        {
            return false;
        }

        if (neighbours is NodeSpec[] array)
        {
            for (int i = 0; i < array.Length; i++)
            {
                if (!ReferenceEquals(array[i], last[i]))
                {
                    return false;
                }
            }

            return true;
        }

        int k = 0;
        foreach (NodeSpec spec in neighbours)
        {
            if (!ReferenceEquals(spec, last[k++]))
            {
                return false;
            }
        }

        return true;
    }

    private void RememberReconciled(IReadOnlyCollection<NodeSpec> neighbours)
    {
        NodeSpec[] last = _lastNeighbours is { } previous && previous.Length == neighbours.Count ? previous : new NodeSpec[neighbours.Count];
        int k = 0;
        foreach (NodeSpec spec in neighbours)
        {
            last[k++] = spec;
        }

        _lastNeighbours = last;
        _reconciledVersion = _tableVersion;
    }

    private bool IsMember(NodeName name)
    {
        foreach (NodeSpec spec in Overlay.Members)
        {
            if (spec.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    // Everything closes and the overlay starts again alone with a new incarnation (OverlayRunner.Reset).
    private void Reset(string reason)
    {
        _timers?.Clear();
        DisconnectAll(reason);
        NodeSpec old = Spec;
        long incarnation = Math.Max(old.Incarnation + 1, _sim.Clock.GetUtcNow().UtcTicks);
        Spec = new NodeSpec(old.Name, old.ListenAddresses, old.Channels, incarnation, old.Tags);
        _pending.Clear();
        _depth++;
        try
        {
            Overlay.Start(this);
        }
        catch (Exception ex)
        {
            _sim.OverlayFailed(this, "start", ex);
        }
        finally
        {
            _depth--;
        }
    }

    // ---------------------------------------------------------------- crash and restart

    /// <summary>The node stops dead: every link is cut (the simulation tells the peers), timers and queues are gone.</summary>
    public void Crash()
    {
        Alive = false;
        foreach (SimulatedPeer peer in _peers.Values)
        {
            _sim.Cut(this, peer.Link);
            _sim.Cut(this, peer.DialLink);
            peer.Removed = true;
        }

        Epoch++;
        _peers.Clear();
        _tableVersion++;
        _lastNeighbours = null;
        _pending.Clear();
        _timers = null;
        _backlog = null;
        _dialsInFlight = 0;
        _resetReason = null;
        _depth = 0;
    }

    /// <summary>Starts a new run of a crashed node: a new incarnation, a new overlay, a new random sequence.</summary>
    public void Restart(IOverlay overlay, NodeSpec spec, Random random)
    {
        Overlay = overlay;
        Spec = spec;
        Random = random;
        Runs++;
        Epoch++;
        Alive = true;
        Start();
    }

    private readonly record struct PendingEvent(NodeSpec? Connected, NodeName Node, string? Reason);

    private sealed record TimerArm(long Id, long PeriodTicks);
}
