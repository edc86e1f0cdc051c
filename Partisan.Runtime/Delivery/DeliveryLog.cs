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
}
