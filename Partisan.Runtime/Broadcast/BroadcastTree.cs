namespace Partisan.Broadcast;

/// <summary>
/// One root's spanning tree as this node sees it: the neighbours that are lazy for that root. Every other neighbour is
/// eager, so a new neighbour is eager in every tree at once (Plumtree's start) without touching the trees, and a tree
/// costs nothing until a link in it is pruned.
/// </summary>
internal sealed class BroadcastTree
{
    public HashSet<NodeName> Lazy { get; } = new();
}
