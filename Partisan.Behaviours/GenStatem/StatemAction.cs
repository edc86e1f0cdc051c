namespace Partisan;

/// <summary>What a transition asks for besides the state change (OTP transition actions).</summary>
public abstract record StatemAction
{
    private protected StatemAction()
    {
    }

    /// <summary>Reply to a call.</summary>
    public sealed record Reply(CallHandle From, object? Value) : StatemAction
    {
        /// <summary>The call to answer; an empty handle is refused where the action is made, in the handler.</summary>
        public CallHandle From { get; init; } = Answerable(From);
    }

    /// <summary>Fail a call: the caller gets a <see cref="CallFailedException"/> with <paramref name="Error"/>'s type and message.</summary>
    public sealed record FailCall(CallHandle From, Exception Error) : StatemAction
    {
        /// <summary>The call to fail; an empty handle is refused where the action is made, in the handler.</summary>
        public CallHandle From { get; init; } = Answerable(From);
    }

    private static CallHandle Answerable(CallHandle from) =>
        from.IsValid ? from : throw new ArgumentException("There is no call to answer: the call handle (or Caller) is empty. Keep the one the call event gave.", nameof(from));

    /// <summary>Keep the current event and retry it after the next state change.</summary>
    public sealed record Postpone : StatemAction;

    /// <summary>Insert an event to handle before any other.</summary>
    public sealed record NextEvent(EventType Type, object? Content) : StatemAction;

    /// <summary>Start (or with <c>null</c> time, cancel) the event timeout: fires unless some event arrives first.</summary>
    public sealed record SetEventTimeout(TimeSpan? After, object? Content) : StatemAction;

    /// <summary>Start (or with <c>null</c> time, cancel) the state timeout: fires unless the state changes first.</summary>
    public sealed record SetStateTimeout(TimeSpan? After, object? Content) : StatemAction;

    /// <summary>Start, restart (same name) or with <c>null</c> time cancel a named generic timeout.</summary>
    public sealed record SetGenericTimeout(string Name, TimeSpan? After, object? Content) : StatemAction;

    /// <summary>Hibernate: accepted and ignored (a .NET process holds no heap of its own to shrink).</summary>
    public sealed record Hibernate : StatemAction;
}
