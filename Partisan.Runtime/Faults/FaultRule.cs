namespace Partisan.Faults;

/// <summary>
/// One fault, after Akka.NET's failure-injector adapter: <see cref="Action"/> applied with <see cref="Probability"/> (drawn
/// from the injector's seeded source) to what travels in <see cref="Direction"/> between this node and <see cref="Peer"/>
/// (any peer when null) on <see cref="Channel"/> (any when null). Without <see cref="When"/> it applies to every frame
/// (messages, control messages, acknowledgements, relayed frames; not pings); with it, to user messages it matches.
/// </summary>
public sealed record FaultRule
{
    /// <summary>What to do.</summary>
    public FaultAction Action { get; init; }

    /// <summary>Chance of applying to each frame or message, 0 to 1 (default 1).</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>The peer; null for every peer.</summary>
    public NodeName? Peer { get; init; }

    /// <summary>The direction (default: what this node sends).</summary>
    public FaultDirection Direction { get; init; } = FaultDirection.Send;

    /// <summary>The channel; null for every channel.</summary>
    public string? Channel { get; init; }

    /// <summary>How long <see cref="FaultAction.Delay"/> holds a frame or message, on the node's clock.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A predicate on the user message; the rule then applies to user messages only (not to frames in general).</summary>
    public Func<object, bool>? When { get; init; }
}
