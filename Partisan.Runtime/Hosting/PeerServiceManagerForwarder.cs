using Partisan.Membership;

namespace Partisan.Hosting;

/// <summary>
/// The <see cref="IPeerServiceManager"/> registered in the container: forwards to the node's. It exists because
/// the container disposes every disposable object a factory returns, and the node's manager is disposed by the
/// node; handing the container the manager itself would dispose it twice.
/// </summary>
internal sealed class PeerServiceManagerForwarder(PartisanNode node) : IPeerServiceManager
{
    private IPeerServiceManager Inner => node.PeerService;

    public IReadOnlyList<NodeName> Members => Inner.Members;

    public IReadOnlyList<NodeSpec> MemberSpecs => Inner.MemberSpecs;

    public IReadOnlyList<NodeName> ConnectedNodes => Inner.ConnectedNodes;

    public Task JoinAsync(ListenAddress address, CancellationToken cancellationToken = default) => Inner.JoinAsync(address, cancellationToken);

    public Task JoinAsync(NodeSpec spec, CancellationToken cancellationToken = default) => Inner.JoinAsync(spec, cancellationToken);

    public Task LeaveAsync(CancellationToken cancellationToken = default) => Inner.LeaveAsync(cancellationToken);

    public Task LeaveAsync(NodeName node, CancellationToken cancellationToken = default) => Inner.LeaveAsync(node, cancellationToken);

    public bool IsConnected(NodeName node, string? channel = null) => Inner.IsConnected(node, channel);

    public bool IsFullyConnected(NodeName node) => Inner.IsFullyConnected(node);

    public IDisposable OnUp(Action<NodeName> callback, NodeName? node = null) => Inner.OnUp(callback, node);

    public IDisposable OnDown(Action<NodeName, string> callback, NodeName? node = null) => Inner.OnDown(callback, node);
}
