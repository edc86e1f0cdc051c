namespace Partisan;

/// <summary>What a call handler returns: reply now, reply later, or stop (with or without a reply).</summary>
public readonly struct CallResult
{
    private CallResult(bool reply, object? value, ExitReason? stop)
    {
        HasReply = reply;
        Value = value;
        StopReason = stop;
    }

    /// <summary>True when the reply is sent now.</summary>
    public bool HasReply { get; }

    /// <summary>The reply.</summary>
    public object? Value { get; }

    /// <summary>Non-null when the server stops after this call.</summary>
    public ExitReason? StopReason { get; }

    /// <summary>Reply with <paramref name="value"/>.</summary>
    public static CallResult Reply(object? value) => new(true, value, null);

    /// <summary>Do not reply now; the handler keeps the <see cref="CallHandle"/> and answers later (<c>gen_server:reply</c>).</summary>
    public static CallResult NoReply => new(false, null, null);

    /// <summary>Reply with <paramref name="value"/>, then stop with <paramref name="reason"/>.</summary>
    public static CallResult StopAndReply(ExitReason reason, object? value) => new(true, value, reason ?? throw new ArgumentNullException(nameof(reason)));

    /// <summary>Stop with <paramref name="reason"/> without replying (the caller's call fails with that reason).</summary>
    public static CallResult Stop(ExitReason reason) => new(false, null, reason ?? throw new ArgumentNullException(nameof(reason)));
}
