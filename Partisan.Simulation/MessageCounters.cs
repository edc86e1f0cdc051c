namespace Partisan.Simulation;

/// <summary>Counts of overlay messages of one kind (a message type, or one node's).</summary>
public sealed class MessageCounters
{
    /// <summary>Messages an overlay sent (accepted by its context).</summary>
    public long Sent { get; internal set; }

    /// <summary>Messages handed to the receiving overlay.</summary>
    public long Delivered { get; internal set; }

    /// <summary>Messages lost: by a rule, a partition, a crash, a closed link, a failed dial, or a failed round trip through the serializer.</summary>
    public long Dropped { get; internal set; }

    /// <summary>Bytes written for the messages sent, when <see cref="SimulationOptions.SerializeMessages"/> is on.</summary>
    public long Bytes { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"sent {Sent}, delivered {Delivered}, dropped {Dropped}, {Bytes} B");
}
