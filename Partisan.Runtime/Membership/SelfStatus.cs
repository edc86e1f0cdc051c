namespace Partisan.Membership;

/// <summary>
/// How a <see cref="MembershipState"/> sees its own owner, read after each merge so the membership
/// manager can react (see <see cref="MembershipState.SelfStatus"/>).
/// </summary>
public enum SelfStatus
{
    /// <summary>The owner is a member, and every entry under its name is its current spec.</summary>
    Member = 0,

    /// <summary>
    /// The owner is a member, but its name also carries entries from an older incarnation (a previous
    /// run, perhaps on another address) or an older spec of this incarnation. <see cref="MembershipState.Members"/>
    /// already shows the current spec; calling <see cref="MembershipState.Add"/> with
    /// <see cref="MembershipState.Self"/> removes the stale entries for everyone.
    /// </summary>
    Stale = 1,

    /// <summary>
    /// No entry carries the owner's current incarnation: the owner removed itself (left), or another
    /// node removed it after seeing its entry. The node should treat itself as having left the cluster
    /// (Partisan's leaver lists only itself). To rejoin, start a new state with
    /// <see cref="MembershipState.Create"/> and a spec with a higher incarnation, or call
    /// <see cref="MembershipState.Add"/> with <see cref="MembershipState.Self"/> on this state.
    /// </summary>
    Removed = 2,

    /// <summary>
    /// The owner's name carries an entry with a higher incarnation than the owner's: a newer run of this
    /// node exists. This run is out of date and should stop taking part (and must not re-add itself).
    /// </summary>
    Superseded = 3,
}
