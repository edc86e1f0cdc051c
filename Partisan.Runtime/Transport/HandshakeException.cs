namespace Partisan;

/// <summary>
/// The handshake with a peer failed: wrong cluster secret, incompatible protocol version, unknown
/// channel, not a Partisan peer, or a timeout. <see cref="Exception.Message"/> says which.
/// </summary>
public class HandshakeException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public HandshakeException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public HandshakeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public HandshakeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with a reason code.</summary>
    public HandshakeException(HandshakeFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the handshake failed.</summary>
    public HandshakeFailure Reason { get; }
}
