namespace Partisan;

/// <summary>
/// The caller of a state machine call, typed by its reply (OTP's <c>From</c> in <c>{call, From}</c>). A
/// <c>[Call]</c> handler that takes one replies with the <c>.Reply(caller, value)</c> action, now or from a
/// later event (keep it in a field); <see cref="Reply"/> answers from outside a transition (<c>gen_statem:reply/2</c>).
/// </summary>
/// <typeparam name="TReply">The reply type the caller waits for.</typeparam>
public readonly struct Caller<TReply> : IEquatable<Caller<TReply>>
{
    /// <summary>Wraps the call <paramref name="from"/>.</summary>
    public Caller(CallHandle from) => From = from;

    /// <summary>The underlying call handle.</summary>
    public CallHandle From { get; }

    /// <summary>False for the default value.</summary>
    public bool IsValid => From.IsValid;

    /// <summary>Answers the call with <paramref name="value"/> directly (prefer the <c>.Reply</c> action inside a handler).</summary>
    public void Reply(TReply value) => From.Reply(value);

    /// <inheritdoc />
    public bool Equals(Caller<TReply> other) => From == other.From;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Caller<TReply> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => From.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(Caller<TReply> left, Caller<TReply> right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Caller<TReply> left, Caller<TReply> right) => !left.Equals(right);
}
