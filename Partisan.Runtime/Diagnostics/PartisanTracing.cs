using System.Diagnostics;

namespace Partisan.Diagnostics;

/// <summary>
/// The <c>Partisan</c> <see cref="ActivitySource"/>: client and server spans for calls (<see cref="PartisanNode.CallAsync(ProcessRef, object, TimeSpan?, CancellationToken)"/>,
/// generated clients, RPC), producer and consumer spans for casts, and producer spans for plain sends when
/// <see cref="PartisanOptions.TraceSends"/> is on. The W3C trace context travels in the message frame's header, so the
/// handler on the remote node runs under a child span and whatever it calls next is in the same trace. Listen with
/// <c>AddSource(PartisanTracing.SourceName)</c> in OpenTelemetry, or an <see cref="ActivityListener"/>. With no listener
/// nothing is created. Span and attribute names: <c>docs/observability.md</c>.
/// </summary>
public static class PartisanTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "Partisan";

    /// <summary>The activity source every Partisan span comes from.</summary>
    public static ActivitySource Source { get; } = new(SourceName, typeof(PartisanTracing).Assembly.GetName().Version?.ToString());
}
