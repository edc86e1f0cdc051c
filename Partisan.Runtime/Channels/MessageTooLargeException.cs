namespace Partisan;

/// <summary>A message encodes to more than the node's MaxFrameSize; it was not sent and nothing else is affected.</summary>
public class MessageTooLargeException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public MessageTooLargeException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MessageTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public MessageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
