namespace Partisan;

/// <summary>
/// How a message travels (Partisan's <c>forward_opts</c>). FIFO order holds per (sender, receiver node,
/// channel, partition key). Without a partition key the target process is the key, so messages from
/// one sender to one process always stay in order, whatever the channel's parallelism.
/// </summary>
public readonly record struct ForwardOptions
{
    /// <summary>The channel; null means <c>default</c>.</summary>
    public string? Channel { get; init; }

    /// <summary>
    /// Picks the connection among the channel's parallel ones: same key, same connection, FIFO.
    /// Strings and integers hash the same in every process; other keys use <see cref="object.GetHashCode"/>.
    /// </summary>
    public object? PartitionKey { get; init; }

    /// <summary>
    /// Acknowledged delivery (Partisan's <c>ack</c>): the message is kept until the receiver acknowledges it, retransmitted
    /// until then, and reaches the mailbox exactly once while both nodes live (docs/delivery.md). Also on when the
    /// channel's <see cref="ChannelOptions.Ack"/> is. Needs a peer speaking protocol version 2.
    /// </summary>
    public bool Ack { get; init; }

    /// <summary>
    /// Causal delivery (Partisan's <c>causal_label</c>): a label from <see cref="DeliveryOptions.CausalLabels"/>; the receiver
    /// delivers the message only after every message of that label to it that happened before it (docs/delivery.md).
    /// Ordering is not retransmission: without <see cref="Ack"/>, a lost message holds its successors until
    /// <see cref="DeliveryOptions.CausalHoldTimeout"/> declares it lost. Needs a peer speaking protocol version 2.
    /// </summary>
    public string? CausalLabel { get; init; }

    /// <summary>Options for <paramref name="channel"/>.</summary>
    public static ForwardOptions OnChannel(string channel) => new() { Channel = channel };
}
