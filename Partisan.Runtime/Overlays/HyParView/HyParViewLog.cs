using Microsoft.Extensions.Logging;

namespace Partisan.Overlays.HyParView;

/// <summary>Log events of the HyParView overlay (3300–3399, beside membership's 3xxx).</summary>
internal static partial class HyParViewLog
{
    [LoggerMessage(3301, LogLevel.Debug, "HyParView dropped a {Kind} from {Peer}: {Reason}")]
    public static partial void Dropped(ILogger logger, NodeName peer, string kind, string reason);

    [LoggerMessage(3302, LogLevel.Information, "HyParView lost active peer {Peer} ({Reason}); promoting a passive peer")]
    public static partial void PeerFailed(ILogger logger, NodeName peer, string reason);

    [LoggerMessage(3303, LogLevel.Debug, "HyParView found no route to {Node} within the search's hops and time")]
    public static partial void RouteNotFound(ILogger logger, NodeName node);

    [LoggerMessage(3304, LogLevel.Information, "HyParView: {Peer} asked this node to leave the cluster")]
    public static partial void LeaveRequested(ILogger logger, NodeName peer);
}
