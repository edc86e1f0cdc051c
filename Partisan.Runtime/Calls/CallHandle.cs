namespace Partisan;

/// <summary>
/// Whom to answer for one call (OTP's <c>From</c>). A server replies at once or keeps the handle and
/// replies later, from another message (<c>gen_server:reply</c>). Only the first answer counts.
/// </summary>
public readonly struct CallHandle : IEquatable<CallHandle>
{
    private readonly PartisanNode? _node;

    internal CallHandle(PartisanNode node, Ref tag)
    {
        _node = node;
        Tag = tag;
    }

    /// <summary>The call's tag (its node is the caller's node).</summary>
    public Ref Tag { get; }

    /// <summary>False for the default value.</summary>
    public bool IsValid => _node is not null;

    /// <summary>Sends <paramref name="value"/> as the reply.</summary>
    public void Reply(object? value) => Node.Calls.SendReply(Tag, value);

    /// <summary>Fails the call with the handler's <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Node.Calls.SendFailure(Tag, ExitReason.FromException(error), error.GetType().FullName, error.Message);
    }

    /// <summary>Fails the call because the server is exiting with <paramref name="reason"/>.</summary>
    public void FailExited(ExitReason reason) => Node.Calls.SendFailure(Tag, reason, null, null);

    private PartisanNode Node => _node ?? throw new InvalidOperationException("This call handle is empty.");

    /// <inheritdoc />
    public bool Equals(CallHandle other) => Tag == other.Tag;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CallHandle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Tag.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(CallHandle left, CallHandle right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(CallHandle left, CallHandle right) => !left.Equals(right);
}
