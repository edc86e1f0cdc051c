using Microsoft.Extensions.Logging;

namespace Partisan.Simulation;

/// <summary>The simulation's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Simulated node {Node}: the overlay failed handling {What}")]
    public static partial void OverlayFailed(ILogger logger, string node, string what, Exception error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Simulated message of type {Type} from {Node} failed the serializer round trip")]
    public static partial void SerializationFailed(ILogger logger, string type, string node, Exception error);
}
