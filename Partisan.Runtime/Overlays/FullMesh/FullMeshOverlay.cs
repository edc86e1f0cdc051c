using Partisan.Membership;

namespace Partisan.Overlays.FullMesh;

/// <summary>
/// Full mesh (Partisan's <c>partisan_full_membership_strategy</c> with the default peer service manager): every
/// node knows and connects to every other. Membership is a <see cref="MembershipState"/> (an add-wins
/// observed-remove map NodeName → NodeSpec), gossiped whole to every member every gossip interval and at once
/// after any change. A node whose state shows it was removed resets to a cluster of one; a node that restarted
/// (new incarnation) replaces its old entry instead of appearing twice.
/// </summary>
public sealed class FullMeshOverlay : IOverlay
{
    private const string GossipTimer = "gossip";

    private readonly TimeSpan _gossipInterval;
    private IOverlayContext _context = null!;
    private MembershipState _state = null!;
    private NodeSpec[] _neighbours = [];

    // Set when this node leaves or is removed, until it joins again: it then refuses to be pulled back
    // into its old cluster by gossip about an earlier run of itself.
    private bool _departed;

    /// <summary>Creates a full mesh that gossips every <paramref name="gossipInterval"/> (default 1 s).</summary>
    public FullMeshOverlay(TimeSpan? gossipInterval = null)
    {
        TimeSpan interval = gossipInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(gossipInterval));
        _gossipInterval = interval;
    }

    /// <summary>The current state (for diagnostics and tests).</summary>
    public MembershipState State => _state;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => _state.Members;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    /// <inheritdoc />
    public void Start(IOverlayContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        SetState(MembershipState.Create(context.Self));
        context.SetTimer(GossipTimer, _gossipInterval, _gossipInterval);
    }

    /// <inheritdoc />
    public void Join(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _departed = false;
        SetState(_state.Add(peer));
        Gossip(extra: null);
    }

    /// <inheritdoc />
    public void Leave(NodeName node)
    {
        // Tell everyone, the removed node included, before it drops out of the member list.
        MembershipState removed = _state.Remove(node);
        foreach (NodeSpec member in _state.Members)
        {
            if (member.Name != _state.Self.Name)
            {
                _context.Send(member, removed);
            }
        }

        if (node == _state.Self.Name)
        {
            _departed = true;
        }

        SetState(removed);
    }

    /// <inheritdoc />
    public void OnTimer(string name)
    {
        if (name == GossipTimer)
        {
            Gossip(extra: null);
        }
    }

    /// <inheritdoc />
    public void OnConnected(NodeSpec peer)
    {
    }

    /// <inheritdoc />
    public void OnDisconnected(NodeName peer, string reason)
    {
    }

    /// <inheritdoc />
    public OverlayAdmission Admit(NodeSpec initiator, string channel) => OverlayAdmission.Accept;

    /// <inheritdoc />
    public NodeName? NextHop(NodeName destination) => null;

    /// <inheritdoc />
    public void HandleMessage(NodeName from, object message)
    {
        if (message is not MembershipState remote)
        {
            throw new ArgumentException($"The full mesh does not understand {message?.GetType().Name ?? "null"}.", nameof(message));
        }

        // Take the state from a member, or from a node that knows this run of this node, or (after a restart) an
        // earlier run of it. Anything else is a late message from a cluster this node left or was removed from:
        // merging it would undo the leave (Partisan 5 has this race).
        if (!_state.Contains(from) && !KnowsMe(remote))
        {
            return;
        }

        MembershipState merged = _state.Merge(remote);
        switch (merged.SelfStatus)
        {
            case SelfStatus.Removed:
            case SelfStatus.Superseded:
                _departed = true;
                SetState(merged);
                _context.ResetToSingleton("removed");
                return;
            case SelfStatus.Stale:
                merged = merged.Add(merged.Self);
                break;
        }

        bool changed = !merged.Equals(_state);
        SetState(merged);
        bool senderBehind = !remote.Dominates(merged);
        bool senderIsMember = merged.Contains(from);
        if (changed)
        {
            Gossip(extra: senderIsMember ? null : from);
        }
        else if (senderBehind || !senderIsMember)
        {
            _context.Send(from, _state);
        }
    }

    private bool KnowsMe(MembershipState remote)
    {
        if (!remote.TryGetMember(_state.Self.Name, out NodeSpec? seen))
        {
            return false;
        }

        return seen.Incarnation == _state.Self.Incarnation || (seen.Incarnation < _state.Self.Incarnation && !_departed);
    }

    private void SetState(MembershipState state)
    {
        if (ReferenceEquals(state, _state))
        {
            return;
        }

        _state = state;
        var neighbours = new List<NodeSpec>(state.Count);
        foreach (NodeSpec member in state.Members)
        {
            if (member.Name != state.Self.Name)
            {
                neighbours.Add(member);
            }
        }

        _neighbours = neighbours.ToArray();
    }

    private void Gossip(NodeName? extra)
    {
        foreach (NodeSpec member in _neighbours)
        {
            _context.Send(member, _state);
        }

        if (extra is { } node)
        {
            _context.Send(node, _state);
        }
    }
}
