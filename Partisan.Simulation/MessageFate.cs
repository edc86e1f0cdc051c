namespace Partisan.Simulation;

/// <summary>A message rule's verdict on one message: <see cref="Deliver"/>, <see cref="Drop"/> or <see cref="Delay(TimeSpan)"/>.</summary>
public readonly record struct MessageFate
{
    private MessageFate(MessageFateKind kind, TimeSpan extraDelay)
    {
        Kind = kind;
        ExtraDelay = extraDelay;
    }

    /// <summary>What happens to the message.</summary>
    public MessageFateKind Kind { get; }

    /// <summary>For <see cref="MessageFateKind.Delay"/>: the time added to its latency.</summary>
    public TimeSpan ExtraDelay { get; }

    /// <summary>Deliver the message as usual.</summary>
    public static MessageFate Deliver { get; } = new(MessageFateKind.Deliver, TimeSpan.Zero);

    /// <summary>Lose the message (counted as dropped, reason <c>rule</c>).</summary>
    public static MessageFate Drop { get; } = new(MessageFateKind.Drop, TimeSpan.Zero);

    /// <summary>Deliver the message <paramref name="extra"/> later than usual; the link stays FIFO, so what follows waits too.</summary>
    public static MessageFate Delay(TimeSpan extra)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(extra, TimeSpan.Zero);
        return new MessageFate(MessageFateKind.Delay, extra);
    }
}
