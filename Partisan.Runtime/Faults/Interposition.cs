namespace Partisan.Faults;

/// <summary>
/// An interposition function (Partisan's <c>add_interposition_fun</c>, here in release builds): sees each user message this
/// node sends to or receives from <paramref name="peer"/> and decides its fate.
/// </summary>
/// <param name="direction">Sent or received.</param>
/// <param name="peer">The other node.</param>
/// <param name="message">The message.</param>
public delegate InterpositionResult InterpositionFunc(FaultDirection direction, NodeName peer, object message);

/// <summary>What an <see cref="InterpositionFunc"/> decided: pass, drop, replace or delay the message.</summary>
public readonly record struct InterpositionResult
{
    private InterpositionResult(InterpositionKind kind, object? replacement, TimeSpan delay)
    {
        Kind = kind;
        Replacement = replacement;
        Delay = delay;
    }

    /// <summary>The decision.</summary>
    public InterpositionKind Kind { get; }

    /// <summary>The message to send or deliver instead (<see cref="InterpositionKind.Replace"/>).</summary>
    public object? Replacement { get; }

    /// <summary>How long to hold the message (<see cref="InterpositionKind.Delay"/>).</summary>
    public TimeSpan Delay { get; }

    /// <summary>Leave the message alone.</summary>
    public static InterpositionResult Pass { get; } = new(InterpositionKind.Pass, null, default);

    /// <summary>Lose the message.</summary>
    public static InterpositionResult Drop { get; } = new(InterpositionKind.Drop, null, default);

    /// <summary>Send or deliver it twice.</summary>
    public static InterpositionResult Duplicate { get; } = new(InterpositionKind.Duplicate, null, default);

    /// <summary>Send or deliver <paramref name="message"/> instead.</summary>
    public static InterpositionResult Replace(object message) => new(InterpositionKind.Replace, message ?? throw new ArgumentNullException(nameof(message)), default);

    /// <summary>Send or deliver it after <paramref name="delay"/> (on the node's clock).</summary>
    public static InterpositionResult DelayBy(TimeSpan delay) => new(InterpositionKind.Delay, null, delay);
}

/// <summary>The kinds of <see cref="InterpositionResult"/>.</summary>
public enum InterpositionKind
{
    /// <summary>Leave it.</summary>
    Pass,

    /// <summary>Lose it.</summary>
    Drop,

    /// <summary>Replace it.</summary>
    Replace,

    /// <summary>Hold it for a while.</summary>
    Delay,

    /// <summary>Send or deliver it twice.</summary>
    Duplicate,
}
