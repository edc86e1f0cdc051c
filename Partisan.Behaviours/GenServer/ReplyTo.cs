namespace Partisan;

/// <summary>
/// A typed promise to answer one call later (<c>gen_server:reply</c>). A <c>[Call]</c> method that takes a
/// <see cref="ReplyTo{T}"/> does not reply when it returns: it keeps this value and calls <see cref="Send"/>
/// (or <see cref="Fail"/>) when the answer is known, from any later message or task. Only the first answer counts;
/// if the server stops first, the caller's call fails with the server's exit reason.
/// </summary>
/// <typeparam name="T">The reply type the caller waits for.</typeparam>
public readonly struct ReplyTo<T> : IEquatable<ReplyTo<T>>
{
    private readonly GenServerContext? _context;

    /// <summary>Wraps the call <paramref name="from"/> of the server whose context is <paramref name="context"/>.</summary>
    public ReplyTo(CallHandle from, GenServerContext context)
    {
        From = from;
        _context = context ?? throw new ArgumentNullException(nameof(context));
    }

    /// <summary>The underlying call handle.</summary>
    public CallHandle From { get; }

    /// <summary>Answers the call with <paramref name="value"/>.</summary>
    public void Send(T value) => Context.Reply(From, value);

    /// <summary>Fails the call with <paramref name="error"/> (the caller gets a <see cref="CallFailedException"/>); the server keeps running.</summary>
    public void Fail(Exception error) => Context.Fail(From, error);

    private GenServerContext Context => _context ?? throw new InvalidOperationException("This ReplyTo is empty.");

    /// <inheritdoc />
    public bool Equals(ReplyTo<T> other) => From == other.From;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ReplyTo<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => From.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(ReplyTo<T> left, ReplyTo<T> right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ReplyTo<T> left, ReplyTo<T> right) => !left.Equals(right);
}
