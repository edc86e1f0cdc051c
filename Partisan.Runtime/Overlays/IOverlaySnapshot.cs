namespace Partisan.Overlays;

/// <summary>
/// Marks an overlay message that carries its sender's whole view (the full mesh's <see cref="Membership.MembershipState"/>),
/// so that a newer one makes an older one obsolete: when an overlay sends one while an earlier message of the same
/// type is still waiting in the queue for that peer, the newer replaces it. A burst of changes then queues one view
/// per peer, not one per change. Do not mark messages whose every copy matters (requests, replies, deltas).
/// </summary>
public interface IOverlaySnapshot
{
}
