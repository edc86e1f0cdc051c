using Microsoft.Extensions.Logging;

namespace Partisan.Overlays.HyParView;

/// <summary>Log events of the HyParView overlay (3100–3199, beside membership's 3xxx).</summary>
internal static partial class HyParViewLog
{
    [LoggerMessage(3101, LogLevel.Debug, "HyParView dropped a {Kind} from {Peer}: {Reason}")]
    public static partial void Dropped(ILogger logger, NodeName peer, string kind, string reason);

    [LoggerMessage(3102, LogLevel.Information, "HyParView lost active peer {Peer} ({Reason}); promoting a passive peer")]
    public static partial void PeerFailed(ILogger logger, NodeName peer, string reason);

    [LoggerMessage(3103, LogLevel.Debug, "HyParView found no route to {Node} within the search's hops and time")]
    public static partial void RouteNotFound(ILogger logger, NodeName node);

    [LoggerMessage(3104, LogLevel.Information, "HyParView: {Peer} asked this node to leave the cluster")]
    public static partial void LeaveRequested(ILogger logger, NodeName peer);
}
