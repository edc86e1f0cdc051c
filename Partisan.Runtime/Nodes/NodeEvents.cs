using Microsoft.Extensions.Logging;
using Partisan.Diagnostics;

namespace Partisan;

/// <summary>
/// Node up and down, told to everyone who cares: node monitors and process monitors (<c>noconnection</c>), calls
/// waiting on the node, and <see cref="PartisanNode.OnUp"/> / <see cref="PartisanNode.OnDown"/> subscribers.
/// Raised on the node's loop when a node becomes reachable or unreachable.
/// </summary>
internal sealed class NodeEvents
{
    private readonly PartisanNode _node;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    public NodeEvents(PartisanNode node, ILogger logger)
    {
        _node = node;
        _logger = logger;
    }

    public void NodeUp(NodeName node)
    {
        Log.NodeUp(_logger, node);
        _node.Monitors.NodeUp(node);
        foreach (Subscription subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Up is not null && (subscription.Node is null || subscription.Node == node))
            {
                Invoke(subscription.Up, node);
            }
        }
    }

    public void NodeDown(NodeName node, string reason)
    {
        Log.NodeDown(_logger, node, reason);
        _node.Monitors.NodeDown(node, reason);
        _node.Links.NodeDown(node);
        _node.Calls.NodeDown(node);
        foreach (Subscription subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Down is not null && (subscription.Node is null || subscription.Node == node))
            {
                try
                {
                    subscription.Down(node, reason);
                }
                catch (Exception ex)
                {
                    Log.CallbackFailed(_logger, ex);
                }
            }
        }
    }

    private void Invoke(Action<NodeName> callback, NodeName node)
    {
        try
        {
            callback(node);
        }
        catch (Exception ex)
        {
            Log.CallbackFailed(_logger, ex);
        }
    }

    public IDisposable OnUp(Action<NodeName> callback, NodeName? node)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Add(new Subscription(this, node, callback, null));
    }

    public IDisposable OnDown(Action<NodeName, string> callback, NodeName? node)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Add(new Subscription(this, node, null, callback));
    }

    private Subscription Add(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = Array.FindAll(_subscriptions, s => !ReferenceEquals(s, subscription));
        }
    }

    private sealed class Subscription(NodeEvents owner, NodeName? node, Action<NodeName>? up, Action<NodeName, string>? down) : IDisposable
    {
        public NodeName? Node => node;

        public Action<NodeName>? Up => up;

        public Action<NodeName, string>? Down => down;

        public void Dispose() => owner.Remove(this);
    }
}
