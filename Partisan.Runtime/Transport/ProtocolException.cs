namespace Partisan.Transport;

/// <summary>A peer broke the wire protocol (bad frame length, unknown frame type, malformed header); the connection is closed.</summary>
public class ProtocolException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public ProtocolException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
