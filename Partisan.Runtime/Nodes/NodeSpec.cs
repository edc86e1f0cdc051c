namespace Partisan;

/// <summary>
/// What nodes tell each other about themselves when they join: the name, where to connect, the
/// channel table, the incarnation (when this run of the node started), so a node that
/// restarts on a new address replaces its old entry instead of appearing twice, and the node's tags
/// (roles such as <c>server</c> or <c>client</c>, read by overlays; <see cref="PartisanOptions.Tags"/>).
/// </summary>
public sealed class NodeSpec : IEquatable<NodeSpec>
{
    /// <summary>Creates a spec.</summary>
    public NodeSpec(NodeName name, IReadOnlyList<ListenAddress> listenAddresses, IReadOnlyList<ChannelOptions> channels, long incarnation)
        : this(name, listenAddresses, channels, incarnation, [])
    {
    }

    /// <summary>Creates a spec with tags (each valid by <see cref="ValidateTag"/>; repeats are dropped, order is kept).</summary>
    public NodeSpec(NodeName name, IReadOnlyList<ListenAddress> listenAddresses, IReadOnlyList<ChannelOptions> channels, long incarnation, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count > MaxTags)
        {
            throw new ArgumentException($"A node spec has at most {MaxTags} tags, not {tags.Count}.", nameof(tags));
        }

        var distinct = new List<string>(tags.Count);
        foreach (string tag in tags)
        {
            if (ValidateTag(tag) is { } error)
            {
                throw new ArgumentException(error, nameof(tags));
            }

            if (!distinct.Contains(tag))
            {
                distinct.Add(tag);
            }
        }

        Tags = distinct.ToArray();
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

    /// <summary>The most tags a spec carries.</summary>
    public const int MaxTags = 16;

    /// <summary>The longest tag.</summary>
    public const int MaxTagLength = 64;

    /// <summary>The node's tags (roles read by overlays, e.g. <c>server</c> in client-server); empty when it has none.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>True when the node carries <paramref name="tag"/> (ordinal comparison).</summary>
    public bool HasTag(string tag)
    {
        IReadOnlyList<string> tags = Tags;
        for (int i = 0; i < tags.Count; i++)
        {
            if (string.Equals(tags[i], tag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Why <paramref name="tag"/> is not a valid tag, or null: 1 to <see cref="MaxTagLength"/> characters of ASCII letters,
    /// digits, '-', '_', '.' or ':'.
    /// </summary>
    public static string? ValidateTag(string? tag)
    {
        if (string.IsNullOrEmpty(tag))
        {
            return "A tag is empty.";
        }

        if (tag.Length > MaxTagLength)
        {
            return $"Tag '{tag[..16]}...' is {tag.Length} characters long; at most {MaxTagLength} are allowed.";
        }

        foreach (char c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return $"Tag '{tag}' has the character '{c}'; tags use ASCII letters, digits, '-', '_', '.' and ':'.";
            }
        }

        return null;
    }

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
        ListenAddresses.SequenceEqual(other.ListenAddresses) && Channels.SequenceEqual(other.Channels) &&
        Tags.SequenceEqual(other.Tags);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NodeSpec);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Incarnation, ListenAddresses.Count, Channels.Count);

    /// <inheritdoc />
    public override string ToString() =>
        Tags.Count == 0
            ? $"{Name} [{string.Join(", ", ListenAddresses)}] #{Incarnation}"
            : $"{Name} [{string.Join(", ", ListenAddresses)}] #{Incarnation} ({string.Join(", ", Tags)})";
}
