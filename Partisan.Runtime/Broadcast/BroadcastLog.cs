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

    [LoggerMessage(6005, LogLevel.Warning, "Broadcast dropped a {Kind} from {Peer}: not a member of this node's cluster")]
    public static partial void NotAMember(ILogger logger, NodeName peer, string kind);

    [LoggerMessage(6006, LogLevel.Warning, "Broadcast refused messages from peers: {Queued} wait for the engine already (MaxQueuedMessages); anti-entropy repairs what they carried")]
    public static partial void QueueFull(ILogger logger, int queued);

    [LoggerMessage(6007, LogLevel.Warning, "Broadcast could not send a {Kind} to {Peer}")]
    public static partial void SendFailed(ILogger logger, string kind, NodeName peer, Exception error);

    [LoggerMessage(6008, LogLevel.Error, "Broadcast engine failed handling {Work}")]
    public static partial void WorkFailed(ILogger logger, string work, Exception error);
}
