namespace Partisan.Diagnostics.Inspection;

/// <summary>What the node's overlay knows, at the moment it was read.</summary>
/// <param name="Overlay">The overlay's type name (<c>FullMeshOverlay</c>, <c>HyParViewOverlay</c>...).</param>
/// <param name="Members">The members, this node included, sorted.</param>
/// <param name="Neighbours">The nodes the overlay keeps connected (HyParView's active view), sorted.</param>
/// <param name="PassiveView">The passive view, sorted, for an overlay that has one (<see cref="Overlays.IPassiveViewOverlay"/>); otherwise null.</param>
/// <param name="Relays">Members reached by relay only, each with the neighbour messages to it are handed to.</param>
public sealed record OverlayViewInfo(
    string Overlay,
    IReadOnlyList<NodeName> Members,
    IReadOnlyList<NodeName> Neighbours,
    IReadOnlyList<NodeName>? PassiveView,
    IReadOnlyDictionary<NodeName, NodeName> Relays);
