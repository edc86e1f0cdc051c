using Partisan.Serialization;

namespace Partisan;

/// <summary>
/// Formatter for <see cref="NodeSpec"/>, an object (see <see cref="WireWriter.BeginObject"/>) of 5 members:
/// <list type="number">
/// <item>the name (<see cref="NodeNameFormatter"/>);</item>
/// <item>the incarnation, a zig-zag varint;</item>
/// <item>the listen addresses: a varint count, then per address the host (string) and the port (varint);</item>
/// <item>the channels: a varint count, then per channel an object of 4 members: name (string),
/// parallelism (varint), monotonic (bool), compression (byte).</item>
/// <item>the tags: a varint count, then each tag (string). Added in December 2026; a spec of 4 members has none.</item>
/// </list>
/// Later versions may append members to either object; readers skip them. Reading validates everything:
/// the name, hosts (1 to 255 characters), ports (0 to 65535), channel options, and that channel names
/// do not repeat; any violation throws <see cref="WireFormatException"/>.
/// </summary>
public sealed class NodeSpecFormatter : WireFormatter<NodeSpec>
{
    /// <summary>The id reserved for <see cref="NodeSpec"/> (wire version 1).</summary>
    internal const uint TypeId = WireTypeIds.FirstInternal + 1;

    private const int MaxHostLength = 255;

    /// <summary>Registers <see cref="NodeSpec"/> with its reserved id.</summary>
    internal static void Register(TypeRegistry registry) => registry.RegisterInternal(new NodeSpecFormatter(), TypeId);

    /// <inheritdoc />
    public override void Write(ref WireWriter writer, NodeSpec value) => Encode(ref writer, value);

    /// <inheritdoc />
    public override NodeSpec Read(ref WireReader reader) => Decode(ref reader);

    /// <summary>Writes <paramref name="value"/>.</summary>
    internal static void Encode(ref WireWriter writer, NodeSpec value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WireObjectScope scope = writer.BeginObject(value.Tags.Count == 0 ? 4 : 5);
        NodeNameFormatter.Encode(ref writer, value.Name);
        writer.WriteVarInt64(value.Incarnation);

        IReadOnlyList<ListenAddress> addresses = value.ListenAddresses;
        writer.WriteVarUInt32((uint)addresses.Count);
        for (int i = 0; i < addresses.Count; i++)
        {
            ListenAddress address = addresses[i];
            string? error = ValidateHost(address.Host) ?? ValidatePort(address.Port);
            if (error is not null)
            {
                throw new WireFormatException($"Cannot write the spec of {value.Name}: {error}");
            }

            writer.WriteString(address.Host);
            writer.WriteVarUInt32((uint)address.Port);
        }

        IReadOnlyList<ChannelOptions> channels = value.Channels;
        writer.WriteVarUInt32((uint)channels.Count);
        for (int i = 0; i < channels.Count; i++)
        {
            ChannelOptions channel = channels[i];
            WireObjectScope channelScope = writer.BeginObject(4);
            writer.WriteString(channel.Name);
            writer.WriteVarUInt32((uint)channel.Parallelism);
            writer.WriteBool(channel.Monotonic);
            writer.WriteByte((byte)channel.Compression);
            writer.EndObject(channelScope);
        }

        IReadOnlyList<string> tags = value.Tags;
        if (tags.Count > 0)
        {
            writer.WriteVarUInt32((uint)tags.Count);
            for (int i = 0; i < tags.Count; i++)
            {
                writer.WriteString(tags[i]);
            }
        }

        writer.EndObject(scope);
    }

    /// <summary>Reads and validates a spec.</summary>
    internal static NodeSpec Decode(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 4)
        {
            throw new WireFormatException($"A node spec has {members} members; 4 are required.");
        }

        NodeName name = NodeNameFormatter.Decode(ref reader);
        long incarnation = reader.ReadVarInt64();

        // Smallest address: a 1-character host (2 bytes) and a 1-byte port.
        int addressCount = reader.ReadCount("listen address", 3);
        var addresses = new ListenAddress[addressCount];
        for (int i = 0; i < addressCount; i++)
        {
            string? host = reader.ReadString();
            uint port = reader.ReadVarUInt32();
            string? error = ValidateHost(host) ?? (port > 65535 ? $"port {port} is out of range." : null);
            if (error is not null)
            {
                throw new WireFormatException($"Invalid listen address in the spec of {name}: {error}");
            }

            addresses[i] = new ListenAddress(host!, (int)port);
        }

        // Smallest channel object: 4-byte length, member count, 1-character name (2 bytes), 3 one-byte fields.
        int channelCount = reader.ReadCount("channel", 10);
        var channels = new ChannelOptions[channelCount];
        HashSet<string>? seen = channelCount > 8 ? new HashSet<string>(channelCount, StringComparer.Ordinal) : null;
        for (int i = 0; i < channelCount; i++)
        {
            ChannelOptions channel = DecodeChannel(ref reader, name);
            bool duplicate = seen is not null ? !seen.Add(channel.Name) : IndexOfChannel(channels, i, channel.Name) >= 0;
            if (duplicate)
            {
                throw new WireFormatException($"The spec of {name} lists channel '{channel.Name}' twice.");
            }

            channels[i] = channel;
        }

        string[] tags = [];
        if (members >= 5)
        {
            // Smallest tag: a 1-character string (2 bytes).
            int tagCount = reader.ReadCount("tag", 2);
            if (tagCount > NodeSpec.MaxTags)
            {
                throw new WireFormatException($"The spec of {name} has {tagCount} tags; at most {NodeSpec.MaxTags} are allowed.");
            }

            tags = new string[tagCount];
            for (int i = 0; i < tagCount; i++)
            {
                string? tag = reader.ReadString();
                if (NodeSpec.ValidateTag(tag) is { } tagError)
                {
                    throw new WireFormatException($"Invalid tag in the spec of {name}: {tagError}");
                }

                tags[i] = tag!;
            }
        }

        reader.EndObject(scope);
        return new NodeSpec(name, addresses, channels, incarnation, tags);
    }

    private static ChannelOptions DecodeChannel(ref WireReader reader, NodeName node)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 4)
        {
            throw new WireFormatException($"A channel in the spec of {node} has {members} members; 4 are required.");
        }

        string? name = reader.ReadString();
        uint parallelism = reader.ReadVarUInt32();
        bool monotonic = reader.ReadBool();
        var compression = (ChannelCompression)reader.ReadByte();
        reader.EndObject(scope);

        string? error = ChannelOptions.ValidateName(name)
            ?? (parallelism is < 1 or > ChannelOptions.MaxParallelism
                ? $"Channel '{name}': parallelism {parallelism} is not between 1 and {ChannelOptions.MaxParallelism}."
                : !Enum.IsDefined(compression) ? $"Channel '{name}': unknown compression {(byte)compression}." : null);
        if (error is not null)
        {
            throw new WireFormatException($"Invalid channel in the spec of {node}: {error}");
        }

        return new ChannelOptions(name!, (int)parallelism, monotonic, compression);
    }

    private static int IndexOfChannel(ChannelOptions[] channels, int count, string name)
    {
        for (int i = 0; i < count; i++)
        {
            if (string.Equals(channels[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? ValidateHost(string? host) =>
        string.IsNullOrEmpty(host) ? "the host is empty."
        : host.Length > MaxHostLength ? $"the host is {host.Length} characters long; at most {MaxHostLength} are allowed."
        : null;

    private static string? ValidatePort(int port) => port is < 0 or > 65535 ? $"port {port} is out of range." : null;
}
