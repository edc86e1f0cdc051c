namespace Partisan;

/// <summary>
/// An acknowledged send (<see cref="PartisanNode.SendAckedAsync"/>) did not complete: the receiver is not known to have
/// the message. It is no longer retransmitted; a copy already in flight may still arrive, once.
/// </summary>
public sealed class DeliveryFailedException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public DeliveryFailedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DeliveryFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public DeliveryFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DeliveryFailedException(NodeName node, DeliveryFailure reason, string message)
        : base(message)
    {
        Node = node;
        Reason = reason;
    }

    /// <summary>The node the message was for.</summary>
    public NodeName Node { get; }

    /// <summary>Why delivery was given up.</summary>
    public DeliveryFailure Reason { get; }
}

/// <summary>Why an acknowledged send was given up.</summary>
public enum DeliveryFailure
{
    /// <summary>The deadline passed before the acknowledgement came.</summary>
    Deadline,

    /// <summary>The node is not (or no longer) a member of the cluster.</summary>
    NodeRemoved,

    /// <summary>The node speaks protocol version 1, which has no acknowledgement fields.</summary>
    Unsupported,

    /// <summary>This node stopped.</summary>
    Stopped,
}
