namespace Partisan;

/// <summary>
/// What nodes tell each other about themselves when they join: the name, where to connect, the
/// channel table, and the incarnation (when this run of the node started), so a node that
/// restarts on a new address replaces its old entry instead of appearing twice.
/// </summary>
public sealed class NodeSpec : IEquatable<NodeSpec>
{
    /// <summary>Creates a spec.</summary>
    public NodeSpec(NodeName name, IReadOnlyList<ListenAddress> listenAddresses, IReadOnlyList<ChannelOptions> channels, long incarnation)
    {
        ArgumentNullException.ThrowIfNull(listenAddresses);
        ArgumentNullException.ThrowIfNull(channels);
        if (name.IsDefault)
        {
            throw new ArgumentException("A node spec needs a name.", nameof(name));
        }

        Name = name;
        ListenAddresses = listenAddresses.ToArray();
        Channels = channels.ToArray();
        Incarnation = incarnation;
    }

    /// <summary>The node's name.</summary>
    public NodeName Name { get; }

    /// <summary>Where the node accepts connections.</summary>
    public IReadOnlyList<ListenAddress> ListenAddresses { get; }

    /// <summary>The node's channels.</summary>
    public IReadOnlyList<ChannelOptions> Channels { get; }

    /// <summary>When this run of the node started (UTC ticks); higher means newer.</summary>
    public long Incarnation { get; }

    /// <summary>The channel called <paramref name="name"/>, or null.</summary>
    public ChannelOptions? FindChannel(string name)
    {
        foreach (ChannelOptions channel in Channels)
        {
            if (channel.Name == name)
            {
                return channel;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public bool Equals(NodeSpec? other) =>
        other is not null && Name == other.Name && Incarnation == other.Incarnation &&
        ListenAddresses.SequenceEqual(other.ListenAddresses) && Channels.SequenceEqual(other.Channels);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NodeSpec);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Incarnation, ListenAddresses.Count, Channels.Count);

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", ListenAddresses)}] #{Incarnation}";
}
