namespace Partisan.Membership;

/// <summary>
/// Full mesh (Partisan's <c>partisan_full_membership_strategy</c>): every node knows and connects to
/// every other. Membership is a <see cref="MembershipState"/> (an add-wins observed-remove map
/// NodeName → NodeSpec), gossiped whole to every member periodically and at once after any change.
/// A node whose state shows it was removed resets to a cluster of one; a node that restarted
/// (new incarnation) replaces its old entry instead of appearing twice.
/// </summary>
public sealed class FullMeshMembershipStrategy : IMembershipStrategy
{
    private MembershipState _state = null!;

    // Set when this node leaves or is removed, until it joins again: it then refuses to be pulled back
    // into its old cluster by gossip about an earlier run of itself.
    private bool _departed;

    /// <summary>The current state (for diagnostics and tests).</summary>
    public MembershipState State => _state;

    /// <inheritdoc />
    public MembershipUpdate Initialize(NodeSpec self)
    {
        ArgumentNullException.ThrowIfNull(self);
        _state = MembershipState.Create(self);
        return new MembershipUpdate(_state.Members, Array.Empty<OutgoingMembershipMessage>());
    }

    /// <inheritdoc />
    public MembershipUpdate Join(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _departed = false;
        _state = _state.Add(peer);
        return Gossip(extra: null);
    }

    /// <inheritdoc />
    public MembershipUpdate Leave(NodeName node)
    {
        // Tell everyone, the removed node included, before it drops out of the member list.
        var recipients = new List<NodeName>();
        foreach (NodeSpec member in _state.Members)
        {
            if (member.Name != _state.Self.Name)
            {
                recipients.Add(member.Name);
            }
        }

        if (node == _state.Self.Name)
        {
            _departed = true;
        }

        _state = _state.Remove(node);
        var outgoing = new List<OutgoingMembershipMessage>(recipients.Count);
        foreach (NodeName recipient in recipients)
        {
            outgoing.Add(new OutgoingMembershipMessage(recipient, _state));
        }

        return new MembershipUpdate(node == _state.Self.Name ? [_state.Self] : _state.Members, outgoing);
    }

    /// <inheritdoc />
    public MembershipUpdate Periodic() => Gossip(extra: null);

    /// <inheritdoc />
    public MembershipUpdate HandleMessage(NodeName from, object message)
    {
        if (message is not MembershipState remote)
        {
            throw new ArgumentException($"The full-mesh strategy does not understand {message?.GetType().Name ?? "null"}.", nameof(message));
        }

        // Take the state from a member, or from a node that knows this run of this node, or (after a restart) an
        // earlier run of it. Anything else is a late message from a cluster this node left or was removed from:
        // merging it would undo the leave (Partisan 5 has this race).
        if (!_state.Contains(from) && !KnowsMe(remote))
        {
            return new MembershipUpdate(_state.Members, Array.Empty<OutgoingMembershipMessage>());
        }

        MembershipState merged = _state.Merge(remote);
        switch (merged.SelfStatus)
        {
            case SelfStatus.Removed:
            case SelfStatus.Superseded:
                _departed = true;
                _state = merged;
                return new MembershipUpdate([_state.Self], Array.Empty<OutgoingMembershipMessage>(), SelfRemoved: true);
            case SelfStatus.Stale:
                merged = merged.Add(merged.Self);
                break;
        }

        bool changed = !merged.Equals(_state);
        _state = merged;
        bool senderBehind = !remote.Dominates(merged);
        bool senderIsMember = merged.Contains(from);
        if (changed)
        {
            return Gossip(extra: senderIsMember ? null : from);
        }

        if (senderBehind || !senderIsMember)
        {
            return new MembershipUpdate(_state.Members, [new OutgoingMembershipMessage(from, _state)]);
        }

        return new MembershipUpdate(_state.Members, Array.Empty<OutgoingMembershipMessage>());
    }

    private bool KnowsMe(MembershipState remote)
    {
        if (!remote.TryGetMember(_state.Self.Name, out NodeSpec? seen))
        {
            return false;
        }

        return seen.Incarnation == _state.Self.Incarnation || (seen.Incarnation < _state.Self.Incarnation && !_departed);
    }

    private MembershipUpdate Gossip(NodeName? extra)
    {
        var outgoing = new List<OutgoingMembershipMessage>(_state.Count);
        foreach (NodeSpec member in _state.Members)
        {
            if (member.Name != _state.Self.Name)
            {
                outgoing.Add(new OutgoingMembershipMessage(member.Name, _state));
            }
        }

        if (extra is { } node)
        {
            outgoing.Add(new OutgoingMembershipMessage(node, _state));
        }

        return new MembershipUpdate(_state.Members, outgoing);
    }
}
