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

    /// <summary>Options for <paramref name="channel"/>.</summary>
    public static ForwardOptions OnChannel(string channel) => new() { Channel = channel };
}
