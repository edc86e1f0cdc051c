namespace Partisan;

/// <summary>
/// A named channel: its own connections between each pair of nodes, so traffic on one channel never
/// waits behind another's. All nodes of a cluster must configure the same channels.
/// </summary>
public sealed record ChannelOptions
{
    /// <summary>The channel every message uses unless told otherwise.</summary>
    public const string DefaultName = "default";

    /// <summary>The channel for membership gossip and other control traffic.</summary>
    public const string MembershipName = "membership";

    /// <summary>The largest parallelism accepted.</summary>
    public const int MaxParallelism = 64;

    /// <summary>Creates channel options.</summary>
    public ChannelOptions(string name, int parallelism = 1, bool monotonic = false, ChannelCompression compression = ChannelCompression.None)
    {
        Name = name;
        Parallelism = parallelism;
        Monotonic = monotonic;
        Compression = compression;
        string? error = Validate();
        if (error is not null)
        {
            throw new ArgumentException(error);
        }
    }

    /// <summary>The channel's name: letters, digits, <c>_</c>, <c>-</c>, <c>.</c>; at most 64 characters.</summary>
    public string Name { get; }

    /// <summary>Connections per peer on this channel (1–64). A partition key picks one, so same key means same connection and FIFO.</summary>
    public int Parallelism { get; }

    /// <summary>When true, only the newest pending message per partition key (or target) is kept; older ones still queued are dropped.</summary>
    public bool Monotonic { get; }

    /// <summary>Payload compression.</summary>
    public ChannelCompression Compression { get; }

    /// <summary>When true, every message on this channel is sent with acknowledged delivery (<see cref="ForwardOptions.Ack"/>).</summary>
    public bool Ack { get; init; }

    /// <summary>
    /// When set, every message on this channel is sent with causal delivery on this label
    /// (<see cref="ForwardOptions.CausalLabel"/>, which overrides it per message); it must be in
    /// <see cref="DeliveryOptions.CausalLabels"/>.
    /// </summary>
    public string? CausalLabel { get; init; }

    /// <summary>The default channel's options.</summary>
    public static ChannelOptions Default { get; } = new(DefaultName);

    /// <summary>The membership channel's options.</summary>
    public static ChannelOptions Membership { get; } = new(MembershipName);

    /// <summary>Returns null when the options are valid, otherwise why not.</summary>
    public string? Validate() => ValidateName(Name) ?? (Parallelism is < 1 or > MaxParallelism
        ? $"Channel '{Name}': parallelism must be between 1 and {MaxParallelism}, not {Parallelism}."
        : !Enum.IsDefined(Compression) ? $"Channel '{Name}': unknown compression {Compression}." : null);

    /// <summary>Returns null when <paramref name="name"/> is a valid channel name, otherwise why not.</summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A channel name must not be empty.";
        }

        if (name.Length > 64)
        {
            return $"Channel name '{name[..20]}…' is longer than 64 characters.";
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return $"Channel name '{name}' contains '{c}'; use letters, digits, '_', '-', '.'.";
            }
        }

        return null;
    }
}
