using Microsoft.Extensions.Logging;

namespace Partisan.Diagnostics;

/// <summary>Log events of the runtime, with stable event ids (1xxx node, 2xxx connections, 3xxx membership, 4xxx messages).</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Node {Node} started, listening on {Addresses}")]
    public static partial void NodeStarted(ILogger logger, NodeName node, string addresses);

    [LoggerMessage(1002, LogLevel.Information, "Node {Node} stopped")]
    public static partial void NodeStopped(ILogger logger, NodeName node);

    [LoggerMessage(1003, LogLevel.Warning, "No ClusterSecret is configured; using the development default. Set Partisan:ClusterSecret for any real deployment.")]
    public static partial void DevelopmentSecret(ILogger logger);

    [LoggerMessage(2001, LogLevel.Debug, "Connected to {Peer} on {Channel}/{Index} ({Direction})")]
    public static partial void ConnectionUp(ILogger logger, NodeName peer, string channel, int index, string direction);

    [LoggerMessage(2002, LogLevel.Debug, "Connection to {Peer} on {Channel}/{Index} closed: {Reason}")]
    public static partial void ConnectionDown(ILogger logger, NodeName peer, string channel, int index, string reason);

    [LoggerMessage(2003, LogLevel.Warning, "Handshake with {Remote} failed: {Message}")]
    public static partial void HandshakeFailed(ILogger logger, string remote, string message);

    [LoggerMessage(2004, LogLevel.Warning, "Protocol error from {Peer} on {Channel}/{Index}, closing that connection: {Message}")]
    public static partial void ProtocolError(ILogger logger, NodeName peer, string channel, int index, string message);

    [LoggerMessage(2005, LogLevel.Debug, "Dialing {Peer} at {Address} on {Channel}/{Index} failed: {Message}")]
    public static partial void DialFailed(ILogger logger, NodeName peer, string address, string channel, int index, string message);

    [LoggerMessage(2006, LogLevel.Warning, "Connection to {Peer} on {Channel}/{Index}: no frame for {Silence}, closing (ping_timeout)")]
    public static partial void PingTimeout(ILogger logger, NodeName peer, string channel, int index, TimeSpan silence);

    [LoggerMessage(2007, LogLevel.Warning, "Connection to {Peer} on {Channel}/{Index} failed unexpectedly; closing it")]
    public static partial void ConnectionLoopFailed(ILogger logger, NodeName peer, string channel, int index, Exception exception);

    [LoggerMessage(2008, LogLevel.Debug, "Disposing a failed connection to {Remote} threw: {Message}")]
    public static partial void DisposeFailed(ILogger logger, string remote, string message);

    [LoggerMessage(3001, LogLevel.Information, "Node {Peer} is up")]
    public static partial void NodeUp(ILogger logger, NodeName peer);

    [LoggerMessage(3002, LogLevel.Information, "Node {Peer} is down: {Reason}")]
    public static partial void NodeDown(ILogger logger, NodeName peer, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Members: {Members}")]
    public static partial void MembersChanged(ILogger logger, string members);

    [LoggerMessage(3004, LogLevel.Warning, "This node was removed from the cluster by another node; it now forms a cluster of one")]
    public static partial void SelfRemoved(ILogger logger);

    [LoggerMessage(3005, LogLevel.Error, "The overlay failed handling {Event}")]
    public static partial void OverlayFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(3006, LogLevel.Error, "The node's control loop failed running a work item")]
    public static partial void LoopWorkFailed(ILogger logger, Exception exception);

    [LoggerMessage(3007, LogLevel.Error, "A node up/down callback failed")]
    public static partial void CallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(4001, LogLevel.Warning, "Dropped a message from {Peer} on {Channel}: {Message}")]
    public static partial void UndecodableMessage(ILogger logger, NodeName peer, string channel, string message);

    [LoggerMessage(4002, LogLevel.Warning, "Send queue to {Peer} on {Channel}/{Index} is full ({Bytes} bytes pending); dropping messages")]
    public static partial void QueueFull(ILogger logger, NodeName peer, string channel, int index, long bytes);

    [LoggerMessage(4003, LogLevel.Error, "Process {Pid} failed")]
    public static partial void ProcessFailed(ILogger logger, Pid pid, Exception exception);

    [LoggerMessage(4005, LogLevel.Debug, "Dropped a relayed frame from {Origin} to {Destination}: {Reason}")]
    public static partial void RelayDropped(ILogger logger, NodeName origin, NodeName destination, string reason);

    [LoggerMessage(4004, LogLevel.Warning, "Dropped a control message from {Peer}: {Message}")]
    public static partial void BadControlMessage(ILogger logger, NodeName peer, string message);

    [LoggerMessage(4006, LogLevel.Debug, "Dropped a message for {Node}: no route to it appeared within the route wait")]
    public static partial void NoRoute(ILogger logger, NodeName node);
}
