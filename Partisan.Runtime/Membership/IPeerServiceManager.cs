namespace Partisan.Membership;

/// <summary>
/// Cluster membership and connections of one node (Partisan's <c>partisan_peer_service_manager</c>).
/// The overlay's logic is an <see cref="Overlays.IOverlay"/>; the peer service keeps the connections
/// its neighbours need, and reports nodes going up (reachable) and down (unreachable).
/// </summary>
public interface IPeerServiceManager
{
    /// <summary>Joins the cluster of the node listening at <paramref name="address"/>. Throws <see cref="HandshakeException"/> when that node refuses (e.g. a wrong cluster secret).</summary>
    Task JoinAsync(ListenAddress address, CancellationToken cancellationToken = default);

    /// <summary>Joins the node described by <paramref name="spec"/>.</summary>
    Task JoinAsync(NodeSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Leaves the cluster: the others remove this node, and it forms a cluster of one.</summary>
    Task LeaveAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="node"/> from the cluster.</summary>
    Task LeaveAsync(NodeName node, CancellationToken cancellationToken = default);

    /// <summary>The members, this node included (a snapshot).</summary>
    IReadOnlyList<NodeName> Members { get; }

    /// <summary>The members' specs, this node included (a snapshot).</summary>
    IReadOnlyList<NodeSpec> MemberSpecs { get; }

    /// <summary>Nodes with at least one open connection (Erlang's <c>nodes()</c>).</summary>
    IReadOnlyList<NodeName> ConnectedNodes { get; }

    /// <summary>True when at least one connection to <paramref name="node"/> is open (on <paramref name="channel"/> if given).</summary>
    bool IsConnected(NodeName node, string? channel = null);

    /// <summary>True when every connection of every channel to <paramref name="node"/> is open.</summary>
    bool IsFullyConnected(NodeName node);

    /// <summary>Calls <paramref name="callback"/> when a node (or <paramref name="node"/> only) comes up. Dispose to unsubscribe.</summary>
    IDisposable OnUp(Action<NodeName> callback, NodeName? node = null);

    /// <summary>Calls <paramref name="callback"/> with the node and the reason when a node (or <paramref name="node"/> only) goes down. Dispose to unsubscribe.</summary>
    IDisposable OnDown(Action<NodeName, string> callback, NodeName? node = null);
}
