namespace Partisan.Membership;

/// <summary>What became of a gossiped <see cref="MembershipState"/> (<see cref="MembershipGossip.Merge"/>).</summary>
internal enum GossipResult
{
    /// <summary>A late state from a cluster this node left or was removed from: ignored.</summary>
    Ignored,

    /// <summary>The state removes this node (or a newer run of it exists): the overlay resets to a cluster of one.</summary>
    Removed,

    /// <summary>Merged.</summary>
    Merged,
}

/// <summary>The outcome of merging a gossiped state: the new state, whether it changed, and whom to answer.</summary>
/// <param name="Result">What became of it.</param>
/// <param name="State">The state to adopt (the current one when ignored).</param>
/// <param name="Changed">The merge changed this node's state.</param>
/// <param name="OwnChange">This node re-added itself (its entry was stale): a change of its own to spread.</param>
/// <param name="AnswerSender">Push-pull: the sender knew less, or is no longer a member, and gets the merged state back.</param>
internal readonly record struct GossipOutcome(GossipResult Result, MembershipState State, bool Changed, bool OwnChange, bool AnswerSender);

/// <summary>
/// The merge rules every overlay that gossips a <see cref="MembershipState"/> shares (full mesh, client-server): whom to take
/// a state from, what removes this node, when to answer the sender.
/// </summary>
internal static class MembershipGossip
{
    /// <summary>
    /// Merges <paramref name="remote"/>, from <paramref name="from"/>, into <paramref name="current"/>. A state is taken from a
    /// member, or from a node that knows this run of this node, or (after a restart) an earlier run of it, unless this node
    /// <paramref name="departed"/>. Anything else is a late message from a cluster this node left or was removed from: merging
    /// it would undo the leave (Partisan 5 has this race).
    /// </summary>
    public static GossipOutcome Merge(MembershipState current, NodeName from, MembershipState remote, bool departed)
    {
        if (!current.Contains(from) && !KnowsMe(current, remote, departed))
        {
            return new GossipOutcome(GossipResult.Ignored, current, false, false, false);
        }

        MembershipState merged = current.Merge(remote);
        bool ownChange = false;
        switch (merged.SelfStatus)
        {
            case SelfStatus.Removed:
            case SelfStatus.Superseded:
                return new GossipOutcome(GossipResult.Removed, merged, true, false, false);
            case SelfStatus.Stale:
                merged = merged.Add(merged.Self);
                ownChange = true;
                break;
        }

        // Push-pull: a sender that knew less gets this node's state back at once (a joiner learns the cluster from its seed
        // this way); so does a sender that is no longer a member, so it learns that it was removed.
        bool answer = !remote.Dominates(merged) || !merged.Contains(from);
        return new GossipOutcome(GossipResult.Merged, merged, !merged.Equals(current), ownChange, answer);
    }

    private static bool KnowsMe(MembershipState current, MembershipState remote, bool departed)
    {
        if (!remote.TryGetMember(current.Self.Name, out NodeSpec? seen))
        {
            return false;
        }

        return seen.Incarnation == current.Self.Incarnation || (seen.Incarnation < current.Self.Incarnation && !departed);
    }
}
