using Microsoft.Extensions.Logging;

namespace Partisan.Delivery;

/// <summary>Log events of acknowledged and causal delivery (ids 5001–5099).</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(5001, LogLevel.Warning, "Acknowledged delivery to {Node} refused: it speaks protocol version 1")]
    public static partial void AckUnsupported(ILogger logger, NodeName node);

    [LoggerMessage(5002, LogLevel.Warning, "Dropped an acknowledged message from {Node}: {Reason}")]
    public static partial void AckedMessageDropped(ILogger logger, NodeName node, string reason);

    [LoggerMessage(5003, LogLevel.Warning, "Dropped a causal message from {Node} on label '{Label}': {Reason}")]
    public static partial void CausalDropped(ILogger logger, NodeName node, string label, string reason);

    [LoggerMessage(5004, LogLevel.Warning, "Causal label '{Label}': gave up waiting for what {Count} held message(s) depended on ({Why}); the missing messages are declared lost and what was held is delivered in causal order")]
    public static partial void CausalGap(ILogger logger, string label, int count, string why);

    [LoggerMessage(5005, LogLevel.Warning, "A causal message from {Node} on label '{Label}' names {Count} node(s) that are not members; their entries were left out")]
    public static partial void CausalUnknownEntries(ILogger logger, NodeName node, string label, int count);

    [LoggerMessage(5006, LogLevel.Warning, "Causal delivery to {Node} refused: it speaks protocol version 1")]
    public static partial void CausalUnsupported(ILogger logger, NodeName node);

    [LoggerMessage(5007, LogLevel.Debug, "Ignored an acknowledgement from {Node}: {Reason} (a late duplicate is normal; a forged or replayed one is contained)")]
    public static partial void UnknownAck(ILogger logger, NodeName node, string reason);
}
