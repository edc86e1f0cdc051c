namespace Partisan.Broadcast;

public sealed partial class BroadcastEngine
{
    // One tree per root that has had a link pruned (a root with none is all eager and has no entry). Bounded by
    // MaxTrees: the oldest tree is forgotten, and that root starts again all eager (a few duplicates prune it again).
    private readonly Dictionary<NodeName, BroadcastTree> _trees = new();
    private readonly Queue<NodeName> _treeOrder = new();

    /// <summary>True when <paramref name="peer"/> is a neighbour eager in <paramref name="root"/>'s tree.</summary>
    public bool IsEager(NodeName root, NodeName peer) =>
        IsNeighbour(peer) && !(_trees.TryGetValue(root, out BroadcastTree? tree) && tree.Lazy.Contains(peer));

    /// <summary>True when <paramref name="peer"/> is a neighbour lazy in <paramref name="root"/>'s tree.</summary>
    public bool IsLazy(NodeName root, NodeName peer) =>
        IsNeighbour(peer) && _trees.TryGetValue(root, out BroadcastTree? tree) && tree.Lazy.Contains(peer);

    private void MakeEager(NodeName root, NodeName peer)
    {
        if (_trees.TryGetValue(root, out BroadcastTree? tree))
        {
            tree.Lazy.Remove(peer);
        }
    }

    private void MakeLazy(NodeName root, NodeName peer)
    {
        if (!IsNeighbour(peer))
        {
            return;
        }

        if (!_trees.TryGetValue(root, out BroadcastTree? tree))
        {
            if (_trees.Count >= _options.MaxTrees)
            {
                _trees.Remove(_treeOrder.Dequeue());
            }

            tree = new BroadcastTree();
            _trees.Add(root, tree);
            _treeOrder.Enqueue(root);
        }

        tree.Lazy.Add(peer);
    }
}
