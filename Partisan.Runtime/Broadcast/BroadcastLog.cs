using Microsoft.Extensions.Logging;

namespace Partisan.Broadcast;

/// <summary>Log events of the broadcast engine (6000–6099).</summary>
internal static partial class BroadcastLog
{
    [LoggerMessage(6001, LogLevel.Warning, "Broadcast handler {Handler} failed in {Callback}")]
    public static partial void HandlerFailed(ILogger logger, string handler, string callback, Exception error);

    [LoggerMessage(6002, LogLevel.Debug, "Broadcast dropped a {Kind} from {Peer}: {Reason}")]
    public static partial void Dropped(ILogger logger, NodeName peer, string kind, string reason);

    [LoggerMessage(6003, LogLevel.Debug, "Broadcast handler {Handler} could not answer a graft from {Peer}: {Reason}")]
    public static partial void GraftFailed(ILogger logger, string handler, NodeName peer, string reason);

    [LoggerMessage(6004, LogLevel.Debug, "Broadcast gave up on a missing message of {Handler} after {Attempts} grafts")]
    public static partial void MissingAbandoned(ILogger logger, string handler, int attempts);
}
