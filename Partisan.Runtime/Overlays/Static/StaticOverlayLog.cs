using Microsoft.Extensions.Logging;

namespace Partisan.Overlays.Static;

/// <summary>Log events of the static overlay (event ids 32xx, membership range).</summary>
internal static partial class StaticOverlayLog
{
    [LoggerMessage(3201, LogLevel.Warning, "Static overlay: refused to join {Peer}: it is not in this node's static configuration (Partisan:Overlay:Nodes)")]
    public static partial void JoinRefused(ILogger logger, NodeName peer);

    [LoggerMessage(3202, LogLevel.Warning, "Static overlay: refused a connection from {Peer}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, NodeName peer, string reason);

    [LoggerMessage(3203, LogLevel.Information, "Static overlay: {Node} removed from this node's view (until it joins again)")]
    public static partial void Removed(ILogger logger, NodeName node);

    [LoggerMessage(3204, LogLevel.Warning, "Static overlay: ignored a message from {Peer}: the static overlay sends none")]
    public static partial void UnexpectedMessage(ILogger logger, NodeName peer);
}
