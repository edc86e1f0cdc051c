namespace Partisan;

/// <summary>The kinds of events a state machine handles (OTP gen_statem event types).</summary>
public enum EventType
{
    /// <summary>A call: <see cref="StatemEvent.From"/> is the caller to reply to.</summary>
    Call,

    /// <summary>A cast.</summary>
    Cast,

    /// <summary>Any other message.</summary>
    Info,

    /// <summary>An event the machine inserted itself (<c>next_event</c>).</summary>
    Internal,

    /// <summary>The event timeout fired (no event arrived in time).</summary>
    EventTimeout,

    /// <summary>The state timeout fired (the state did not change in time).</summary>
    StateTimeout,

    /// <summary>A named generic timeout fired; <see cref="StatemEvent.TimeoutName"/> names it.</summary>
    GenericTimeout,

    /// <summary>A state enter call: the content is the previous state (the same state for a repeat).</summary>
    Enter,
}

/// <summary>One event for a state machine.</summary>
/// <param name="Type">What kind of event.</param>
/// <param name="Content">The event's content (for <see cref="EventType.Enter"/>: the old state).</param>
/// <param name="From">For calls, whom to reply to.</param>
/// <param name="TimeoutName">For generic timeouts, the timeout's name.</param>
public readonly record struct StatemEvent(EventType Type, object? Content, CallHandle From = default, string? TimeoutName = null)
{
    /// <summary>True for a call event.</summary>
    public bool IsCall => Type == EventType.Call;
}
