using Partisan.Serialization;

namespace Partisan.Overlays.HyParView;

/// <summary>
/// HyParView (Leitão, Pereira, Rodrigues, DSN 2007): each node keeps a small <b>active view</b> of peers it stays connected
/// to (its neighbours) and a larger <b>passive view</b> of known nodes to replace them from, repaired on every lost
/// connection and refreshed by periodic shuffles. Members are what this node knows: itself, both views, and the nodes it has
/// a route to; a member that is not a neighbour is reached by transitive relay along routes found on demand
/// (<see cref="IOverlay.RouteWanted"/>). Unlike Partisan's HyParView manager, <c>Leave</c> works and node and process
/// monitors work, because the runtime derives them from reachability.
/// </summary>
/// <remarks>
/// Called on the node's loop only (see <see cref="IOverlay"/>). Every structure is bounded: the views by their sizes, pending
/// promotions by the active view size, routes by <see cref="HyParViewOptions.MaxRoutes"/>, remembered searches by a fixed
/// window. A message from a node that is not a neighbour where one is required, with a forged sender, or from an older
/// incarnation of its sender, is dropped and logged.
/// </remarks>
public sealed partial class HyParViewOverlay : IOverlay
{
    private const string ShuffleTimer = "hyparview.shuffle";
    private const string PromotionTimer = "hyparview.promote";
    private const string PendingTimer = "hyparview.pending";
    private const string RoutesTimer = "hyparview.routes";
    private const string RejoinTimer = "hyparview.rejoin";

    private readonly HyParViewOptions _options;
    private readonly List<NodeSpec> _active = new();
    private readonly List<NodeSpec> _passive = new();
    private readonly List<PendingPromotion> _pending = new();
    private readonly List<NodeSpec> _members = new();
    private IOverlayContext _context = null!;
    private NodeSpec _self = null!;
    private NodeSpec? _contact;
    private long _sequence;
    private bool _membersDirty = true;
    private int _promotionTarget;
    private NodeSpec? _activeLost;

    /// <summary>Creates the overlay with the default settings.</summary>
    public HyParViewOverlay()
        : this(new HyParViewOptions())
    {
    }

    /// <summary>Creates the overlay with <paramref name="options"/>.</summary>
    /// <exception cref="PartisanConfigurationException">The options are not valid (every problem is listed).</exception>
    public HyParViewOverlay(HyParViewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new PartisanConfigurationException(errors);
        }

        _options = options;
    }

    /// <summary>The active view: the peers this node keeps connected. Read it on the node's loop (or after the node stopped).</summary>
    public IReadOnlyList<NodeSpec> ActiveView => _active;

    /// <summary>The passive view: known nodes kept to replace active peers. Read it on the node's loop (or after the node stopped).</summary>
    public IReadOnlyList<NodeSpec> PassiveView => _passive;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members
    {
        get
        {
            if (_membersDirty)
            {
                RebuildMembers();
            }

            return _members;
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Neighbours => _active;

    /// <inheritdoc />
    public void Start(IOverlayContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _self = context.Self;
        _active.Clear();
        _passive.Clear();
        _pending.Clear();
        _sequences.Clear();
        _refused.Clear();
        _quarantine.Clear();
        ClearRoutes();
        _membersDirty = true;

        // Spread the periodic work so that nodes started together do not shuffle together.
        TimeSpan shuffle = _options.ShuffleInterval;
        context.SetTimer(ShuffleTimer, TimeSpan.FromTicks((long)(shuffle.Ticks * (0.5 + (context.Random.NextDouble() * 0.5)))), shuffle);
        TimeSpan promotion = _options.RandomPromotionInterval;
        context.SetTimer(PromotionTimer, TimeSpan.FromTicks((long)(promotion.Ticks * (0.5 + (context.Random.NextDouble() * 0.5)))), promotion);
        TimeSpan rejoin = shuffle * RejoinEveryShuffles;
        context.SetTimer(RejoinTimer, TimeSpan.FromTicks((long)(rejoin.Ticks * (0.5 + (context.Random.NextDouble() * 0.5)))), rejoin);
    }

    /// <inheritdoc />
    public void Join(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Name == _self.Name)
        {
            return;
        }

        _contact = peer;
        AddPassive(peer);
        _context.Send(peer, HyParViewMessage.Join(_self));
    }

    /// <inheritdoc />
    public void Leave(NodeName node)
    {
        if (node == _self.Name)
        {
            // The runtime drains the connections and restarts this overlay as a cluster of one afterwards.
            foreach (NodeSpec peer in _active)
            {
                _context.Send(peer.Name, HyParViewMessage.Disconnect(_self, leaving: true, ++_sequence));
            }

            _active.Clear();
            _passive.Clear();
            _pending.Clear();
            _quarantine.Clear();
            _contact = null;
            ClearRoutes();
            _membersDirty = true;
            return;
        }

        if (FindKnown(node) is { } spec)
        {
            _context.Send(spec, HyParViewMessage.LeaveRequest(_self));
        }

        Forget(node);
    }

    /// <inheritdoc />
    public void HandleMessage(NodeName from, object message)
    {
        if (message is not HyParViewMessage m)
        {
            HyParViewLog.Dropped(_context.Logger, from, message?.GetType().Name ?? "null", "not a HyParView message");
            return;
        }

        if (m.Sender.Name != from)
        {
            HyParViewLog.Dropped(_context.Logger, from, m.Kind.ToString(), $"it claims to come from {m.Sender.Name}");
            return;
        }

        if (!AcceptIncarnation(m.Sender))
        {
            HyParViewLog.Dropped(_context.Logger, from, m.Kind.ToString(), "it comes from an older incarnation of its sender");
            return;
        }

        switch (m.Kind)
        {
            case HyParViewMessageKind.Join:
                if (!RefusedAsStale(m))
                {
                    OnJoin(m.Sender);
                }

                break;
            case HyParViewMessageKind.ForwardJoin:
                OnForwardJoin(m);
                break;
            case HyParViewMessageKind.Neighbour:
                if (IsFresh(m) && !RefusedAsStale(m))
                {
                    AddActive(m.Sender);
                }

                break;
            case HyParViewMessageKind.NeighbourRequest:
                OnNeighbourRequest(m);
                break;
            case HyParViewMessageKind.NeighbourReply:
                OnNeighbourReply(m);
                break;
            case HyParViewMessageKind.Disconnect:
                OnDisconnect(m);
                break;
            case HyParViewMessageKind.Shuffle:
                OnShuffle(m);
                break;
            case HyParViewMessageKind.ShuffleReply:
                MergePassive(m.Sample);
                break;
            case HyParViewMessageKind.RouteRequest:
                OnRouteRequest(m);
                break;
            case HyParViewMessageKind.RouteReply:
                OnRouteReply(m);
                break;
            case HyParViewMessageKind.RouteError:
                OnRouteError(m);
                break;
            case HyParViewMessageKind.LeaveRequest:
                HyParViewLog.LeaveRequested(_context.Logger, from);
                Leave(_self.Name);
                _context.ResetToSingleton("left");
                break;
        }
    }

    /// <inheritdoc />
    public void OnTimer(string name)
    {
        switch (name)
        {
            case ShuffleTimer:
                StartShuffle();
                break;
            case PromotionTimer:
                if (_active.Count == 0 && _passive.Count == 0 && _pending.Count == 0 && _contact is not null)
                {
                    // Alone again (every peer failed): knock on the door we came in by.
                    _context.Send(_contact, HyParViewMessage.Join(_self));
                }
                else
                {
                    _refused.Clear();
                    Promote(_options.MinActiveViewSize);
                }

                break;
            case PendingTimer:
                ExpirePending();
                break;
            case RoutesTimer:
                ExpireRoutes();
                break;
            case RejoinTimer:
                RejoinOneFailed();
                break;
        }
    }

    /// <inheritdoc />
    public void OnConnected(NodeSpec peer)
    {
    }

    /// <inheritdoc />
    public void OnDisconnected(NodeName peer, string reason)
    {
        int pending = IndexOfPending(peer);
        if (pending >= 0)
        {
            _pending.RemoveAt(pending);
            RemoveFrom(_passive, peer);
            _membersDirty = true;
        }

        if (IndexOf(_active, peer) is var index and >= 0)
        {
            // HyParView's failure detector: a lost connection to an active peer. Replace it from the passive view.
            _activeLost = _active[index];
            _active.RemoveAt(index);
            _membersDirty = true;
            HyParViewLog.PeerFailed(_context.Logger, peer, reason);
            Quarantine(_activeLost!);
            LostHop(peer);
            Promote(_options.ActiveViewSize);
        }
        else if (pending >= 0)
        {
            Promote(_options.ActiveViewSize);
        }
    }

    /// <inheritdoc />
    public OverlayAdmission Admit(NodeSpec initiator, string channel) => OverlayAdmission.Accept;

    // ---------------------------------------------------------------- join

    private void OnJoin(NodeSpec joiner)
    {
        AddActive(joiner);
        _context.Send(joiner, HyParViewMessage.Neighbour(_self, joiner, ++_sequence));
        foreach (NodeSpec peer in _active)
        {
            if (peer.Name != joiner.Name)
            {
                _context.Send(peer.Name, HyParViewMessage.ForwardJoin(_self, joiner, _options.ActiveRandomWalkLength));
            }
        }
    }

    private void OnForwardJoin(HyParViewMessage m)
    {
        NodeSpec joiner = m.Subject!;
        if (!RequireNeighbour(m) || joiner.Name == _self.Name)
        {
            return;
        }

        if (m.Ttl > _options.ActiveRandomWalkLength)
        {
            HyParViewLog.Dropped(_context.Logger, m.Sender.Name, m.Kind.ToString(), $"ttl {m.Ttl} is above the walk length {_options.ActiveRandomWalkLength}");
            return;
        }

        if (m.Ttl == 0 || _active.Count == 1)
        {
            AcceptJoiner(joiner);
            return;
        }

        if (m.Ttl == _options.PassiveRandomWalkLength)
        {
            AddPassive(joiner);
        }

        NodeSpec? next = RandomActive(except: m.Sender.Name, alsoExcept: joiner.Name);
        if (next is null)
        {
            AcceptJoiner(joiner);
            return;
        }

        _context.Send(next.Name, HyParViewMessage.ForwardJoin(_self, joiner, m.Ttl - 1));
    }

    private void AcceptJoiner(NodeSpec joiner)
    {
        if (IndexOf(_active, joiner.Name) >= 0)
        {
            return;
        }

        AddActive(joiner);
        _context.Send(joiner, HyParViewMessage.Neighbour(_self, joiner, ++_sequence));
    }

    // ---------------------------------------------------------------- neighbour requests and disconnects

    private void OnNeighbourRequest(HyParViewMessage m)
    {
        NodeSpec peer = m.Sender;
        if (!IsFresh(m) || RefusedAsStale(m))
        {
            return;
        }

        bool accepted = IndexOf(_active, peer.Name) >= 0 || m.Flag || HasRoomFor(peer);
        if (accepted)
        {
            AddActive(peer);
        }
        else
        {
            AddPassive(peer);
        }

        _context.Send(peer, HyParViewMessage.NeighbourReply(_self, accepted, ++_sequence));
    }

    /// <summary>
    /// True (and the sender told to forget this node) when a link message was meant for an earlier incarnation of this node:
    /// one that left the cluster or restarted. Without it, a node that left would be pulled back by a stale passive view.
    /// </summary>
    private bool RefusedAsStale(HyParViewMessage m)
    {
        if (m.Id == 0 || m.Id == _self.Incarnation)
        {
            return false;
        }

        HyParViewLog.Dropped(_context.Logger, m.Sender.Name, m.Kind.ToString(), $"it was meant for incarnation {m.Id} of this node, not {_self.Incarnation}");
        _context.Send(m.Sender, HyParViewMessage.Disconnect(_self, leaving: true, ++_sequence));
        if (IndexOf(_active, m.Sender.Name) < 0)
        {
            _context.Disconnect(m.Sender.Name);
        }

        return true;
    }

    private void OnNeighbourReply(HyParViewMessage m)
    {
        NodeSpec peer = m.Sender;
        int pending = IndexOfPending(peer.Name);
        if (pending >= 0)
        {
            _pending.RemoveAt(pending);
        }

        if (!IsFresh(m))
        {
            return;
        }

        if (m.Flag)
        {
            AddActive(peer);
        }
        else
        {
            // Refused (its view is full): it stays a passive peer, not asked again until the next promotion round.
            _refused.Add(peer.Name);
            Promote(_promotionTarget);
        }
    }

    private void OnDisconnect(HyParViewMessage m)
    {
        NodeSpec peer = m.Sender;
        if (!IsFresh(m))
        {
            HyParViewLog.Dropped(_context.Logger, peer.Name, m.Kind.ToString(), "it is older than the last link change from that peer");
            return;
        }

        int index = IndexOf(_active, peer.Name);
        if (index >= 0)
        {
            _active.RemoveAt(index);
            LostHop(peer.Name);
        }

        if (m.Flag)
        {
            Forget(peer.Name);
        }
        else if (index >= 0)
        {
            AddPassive(peer);
        }

        _membersDirty = true;
        if (index >= 0)
        {
            Promote(_options.MinActiveViewSize);
        }
    }

    /// <summary>
    /// Tops the active view up toward <paramref name="target"/> by asking random passive peers, a few at a time: high priority
    /// when this node has no neighbour at all (the paper's rule), low otherwise.
    /// </summary>
    private void Promote(int target)
    {
        _promotionTarget = target;
        long deadline = _context.Time.GetTimestamp() + ToTimestamp(_options.NeighbourRequestTimeout);
        while (_active.Count + _pending.Count < target)
        {
            NodeSpec? candidate = RandomPassiveNotPending();
            if (candidate is null)
            {
                return;
            }

            // The paper's rule: high priority (always accepted, evicting if need be) only when the active view is empty.
            // Asking with high priority whenever below the minimum made evictions cascade through full views.
            bool high = _active.Count == 0;
            _pending.Add(new PendingPromotion(candidate, deadline));
            _context.Send(candidate, HyParViewMessage.NeighbourRequest(_self, candidate, high, ++_sequence));
            if (_pending.Count == 1)
            {
                _context.SetTimer(PendingTimer, _options.NeighbourRequestTimeout);
            }
        }
    }

    private void ExpirePending()
    {
        long now = _context.Time.GetTimestamp();
        bool expired = false;
        for (int i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i].Deadline <= now)
            {
                // No answer: the node is gone (a dial that fails gives no other signal). Forget it.
                NodeName name = _pending[i].Peer.Name;
                Quarantine(_pending[i].Peer);
                _pending.RemoveAt(i);
                RemoveFrom(_passive, name);
                _context.Disconnect(name);
                expired = true;
            }
        }

        if (expired)
        {
            _membersDirty = true;
            Promote(Math.Max(_options.MinActiveViewSize, _promotionTarget));
        }

        if (_pending.Count > 0)
        {
            long next = long.MaxValue;
            foreach (PendingPromotion p in _pending)
            {
                next = Math.Min(next, p.Deadline);
            }

            _context.SetTimer(PendingTimer, _context.Time.GetElapsedTime(now, Math.Max(now, next)) + TimeSpan.FromMilliseconds(1));
        }
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _context.Time.TimestampFrequency);

    private readonly record struct PendingPromotion(NodeSpec Peer, long Deadline);
}
