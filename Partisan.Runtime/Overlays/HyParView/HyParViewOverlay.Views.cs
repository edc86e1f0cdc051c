namespace Partisan.Overlays.HyParView;

/// <summary>The two views: adding, evicting, reserved slots, incarnations and stale link messages.</summary>
public sealed partial class HyParViewOverlay
{
    private readonly HashSet<NodeName> _refused = new();
    private readonly HashSet<NodeName> _memberNames = new();
    private readonly Dictionary<NodeName, (long Incarnation, long Sequence)> _sequences = new();

    /// <summary>Takes <paramref name="peer"/> into the active view, evicting a random peer (told with a disconnect) when full.</summary>
    private void AddActive(NodeSpec peer)
    {
        if (peer.Name == _self.Name)
        {
            return;
        }

        int existing = IndexOf(_active, peer.Name);
        if (existing >= 0)
        {
            if (peer.Incarnation > _active[existing].Incarnation)
            {
                _active[existing] = peer;
                _membersDirty = true;
            }

            return;
        }

        RemoveFrom(_passive, peer.Name);
        while (!HasRoomFor(peer))
        {
            NodeSpec? victim = EvictionVictim(peer);
            if (victim is null)
            {
                return;
            }

            RemoveFrom(_active, victim.Name);
            _context.Send(victim.Name, HyParViewMessage.Disconnect(_self, leaving: false, ++_sequence));
            LostHop(victim.Name);
            AddPassive(victim);
        }

        _active.Add(peer);
        ForgetRoute(peer.Name);
        _membersDirty = true;
    }

    /// <summary>Adds <paramref name="peer"/> to the passive view (if it is in neither view), dropping a random one when full.</summary>
    private void AddPassive(NodeSpec peer)
    {
        if (peer.Name == _self.Name || _options.PassiveViewSize == 0 || IndexOf(_active, peer.Name) >= 0)
        {
            return;
        }

        int existing = IndexOf(_passive, peer.Name);
        if (existing >= 0)
        {
            if (peer.Incarnation > _passive[existing].Incarnation)
            {
                _passive[existing] = peer;
                _membersDirty = true;
            }

            return;
        }

        if (_passive.Count >= _options.PassiveViewSize)
        {
            RemovePassiveAt(_context.Random.Next(_passive.Count));
        }

        _passive.Add(peer);
        _membersDirty = true;
    }

    private void RemovePassiveAt(int index)
    {
        NodeName name = _passive[index].Name;
        _passive.RemoveAt(index);
        int pending = IndexOfPending(name);
        if (pending >= 0)
        {
            _pending.RemoveAt(pending);
        }

        _membersDirty = true;
    }

    /// <summary>
    /// True when <paramref name="candidate"/> fits in the active view: a free unreserved slot, or a free slot reserved for a
    /// tag it carries (<see cref="HyParViewOptions.ReservedTags"/>).
    /// </summary>
    private bool HasRoomFor(NodeSpec candidate)
    {
        List<string> reserved = _options.ReservedTags;
        if (reserved.Count == 0)
        {
            return _active.Count < _options.ActiveViewSize;
        }

        // Match active peers to reservations (each fills at most one); the rest take general slots.
        Span<bool> filled = stackalloc bool[reserved.Count];
        int general = 0;
        foreach (NodeSpec peer in _active)
        {
            if (!FillReservation(reserved, filled, peer))
            {
                general++;
            }
        }

        if (general < _options.ActiveViewSize - reserved.Count)
        {
            return true;
        }

        return FillReservation(reserved, filled, candidate);
    }

    private static bool FillReservation(List<string> reserved, Span<bool> filled, NodeSpec peer)
    {
        for (int i = 0; i < reserved.Count; i++)
        {
            if (!filled[i] && peer.HasTag(reserved[i]))
            {
                filled[i] = true;
                return true;
            }
        }

        return false;
    }

    /// <summary>A random active peer whose departure makes room for <paramref name="candidate"/>; null if none does.</summary>
    private NodeSpec? EvictionVictim(NodeSpec candidate)
    {
        int count = _active.Count;
        if (count == 0)
        {
            return null;
        }

        int start = _context.Random.Next(count);
        for (int k = 0; k < count; k++)
        {
            NodeSpec victim = _active[(start + k) % count];
            _active.Remove(victim);
            bool room = HasRoomFor(candidate);
            _active.Insert(Math.Min((start + k) % count, _active.Count), victim);
            if (room)
            {
                return victim;
            }
        }

        return null;
    }

    private NodeSpec? RandomActive(NodeName except, NodeName alsoExcept)
    {
        int count = _active.Count;
        if (count == 0)
        {
            return null;
        }

        int start = _context.Random.Next(count);
        for (int k = 0; k < count; k++)
        {
            NodeSpec peer = _active[(start + k) % count];
            if (peer.Name != except && peer.Name != alsoExcept)
            {
                return peer;
            }
        }

        return null;
    }

    private NodeSpec? RandomPassiveNotPending()
    {
        int count = _passive.Count;
        if (count == 0)
        {
            return null;
        }

        int start = _context.Random.Next(count);
        for (int k = 0; k < count; k++)
        {
            NodeSpec peer = _passive[(start + k) % count];
            if (IndexOfPending(peer.Name) < 0 && !_refused.Contains(peer.Name))
            {
                return peer;
            }
        }

        return null;
    }

    /// <summary>Drops <paramref name="node"/> from both views and the routes, and closes any connection to it.</summary>
    private void Forget(NodeName node)
    {
        if (RemoveFrom(_active, node))
        {
            LostHop(node);
        }

        RemoveFrom(_passive, node);
        int pending = IndexOfPending(node);
        if (pending >= 0)
        {
            _pending.RemoveAt(pending);
        }

        ForgetRoute(node);
        _sequences.Remove(node);
        _membersDirty = true;
        _context.Disconnect(node);
    }

    /// <summary>The spec this node knows for <paramref name="node"/> (views, then routes), or null.</summary>
    private NodeSpec? FindKnown(NodeName node)
    {
        int i = IndexOf(_active, node);
        if (i >= 0)
        {
            return _active[i];
        }

        i = IndexOf(_passive, node);
        return i >= 0 ? _passive[i] : RouteSpec(node);
    }

    /// <summary>
    /// False when <paramref name="sender"/> is an older incarnation than one this node knows (a message from before a
    /// restart); a newer incarnation replaces the old one in the views and resets its link sequence.
    /// </summary>
    private bool AcceptIncarnation(NodeSpec sender)
    {
        if (_sequences.TryGetValue(sender.Name, out (long Incarnation, long Sequence) seen) && seen.Incarnation > sender.Incarnation)
        {
            return false;
        }

        NodeSpec? known = FindKnown(sender.Name);
        if (known is not null && known.Incarnation > sender.Incarnation)
        {
            return false;
        }

        if (known is not null && known.Incarnation < sender.Incarnation)
        {
            ReplaceSpec(_active, sender);
            ReplaceSpec(_passive, sender);
            _membersDirty = true;
        }

        return true;
    }

    private static void ReplaceSpec(List<NodeSpec> view, NodeSpec spec)
    {
        int i = IndexOf(view, spec.Name);
        if (i >= 0)
        {
            view[i] = spec;
        }
    }

    /// <summary>
    /// True when a link message (neighbour, request, reply, disconnect) is newer than the last one from its sender's
    /// incarnation; records it. A stale one (reordered across connections) must not undo a newer link change.
    /// </summary>
    private bool IsFresh(HyParViewMessage m)
    {
        NodeSpec sender = m.Sender;
        if (_sequences.TryGetValue(sender.Name, out (long Incarnation, long Sequence) seen) &&
            seen.Incarnation == sender.Incarnation && m.Sequence <= seen.Sequence)
        {
            return false;
        }

        if (_sequences.Count >= MaxSequencesTracked && !_sequences.ContainsKey(sender.Name))
        {
            PruneSequences();
        }

        _sequences[sender.Name] = (sender.Incarnation, m.Sequence);
        return true;
    }

    private int MaxSequencesTracked => (_options.ActiveViewSize + _options.PassiveViewSize) * 4 + 64;

    private void PruneSequences()
    {
        // Keep only peers still in a view; the others' next message is taken as fresh, which is what a stranger's is.
        var stale = new List<NodeName>();
        foreach (NodeName name in _sequences.Keys)
        {
            if (IndexOf(_active, name) < 0 && IndexOf(_passive, name) < 0)
            {
                stale.Add(name);
            }
        }

        foreach (NodeName name in stale)
        {
            _sequences.Remove(name);
        }
    }

    /// <summary>True when the sender of <paramref name="m"/> is an active peer; otherwise the message is dropped and logged.</summary>
    private bool RequireNeighbour(HyParViewMessage m)
    {
        if (IndexOf(_active, m.Sender.Name) >= 0)
        {
            return true;
        }

        HyParViewLog.Dropped(_context.Logger, m.Sender.Name, m.Kind.ToString(), "the sender is not an active peer");
        return false;
    }

    private void RebuildMembers()
    {
        PublishPassiveView();
        _members.Clear();
        _memberNames.Clear();
        AddMember(_self);
        foreach (NodeSpec peer in _active)
        {
            AddMember(peer);
        }

        foreach (NodeSpec peer in _passive)
        {
            AddMember(peer);
        }

        AddRouteMembers();
        _membersDirty = false;
    }

    private void AddMember(NodeSpec spec)
    {
        if (_memberNames.Add(spec.Name))
        {
            _members.Add(spec);
        }
    }

    private int IndexOfPending(NodeName node)
    {
        for (int i = 0; i < _pending.Count; i++)
        {
            if (_pending[i].Peer.Name == node)
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(List<NodeSpec> view, NodeName node)
    {
        for (int i = 0; i < view.Count; i++)
        {
            if (view[i].Name == node)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool RemoveFrom(List<NodeSpec> view, NodeName node)
    {
        int i = IndexOf(view, node);
        if (i < 0)
        {
            return false;
        }

        view.RemoveAt(i);
        return true;
    }
}
