using Partisan.Serialization;

namespace Partisan.Overlays.HyParView;

/// <summary>
/// Formatter for <see cref="HyParViewMessage"/> (type id 200), an object of 9 members: kind (byte), sender (spec),
/// subject (a presence bool, then a spec), target (a presence bool, then a node name), ttl (varint), id (zig-zag varint),
/// sequence (zig-zag varint), flag (bool), sample (varint count, then specs; at most <see cref="HyParViewMessage.MaxSample"/>).
/// Reading refuses an unknown kind, a kind without the fields it needs, a negative or oversized ttl and an oversized
/// sample with <see cref="WireFormatException"/>: the connection that sent it is closed, nothing else.
/// </summary>
internal sealed class HyParViewMessageFormatter : WireFormatter<HyParViewMessage>
{
    /// <summary>The id reserved for <see cref="HyParViewMessage"/>.</summary>
    public const uint TypeId = WireTypeIds.FirstInternal + 50;

    /// <summary>The largest ttl a message may carry (walks and searches are configured below it).</summary>
    public const int MaxTtl = 64;

    /// <summary>Registers the message with its reserved id.</summary>
    public static void Register(TypeRegistry registry) => registry.RegisterInternal(new HyParViewMessageFormatter(), TypeId);

    /// <inheritdoc />
    public override void Write(ref WireWriter writer, HyParViewMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WireObjectScope scope = writer.BeginObject(9);
        writer.WriteByte((byte)value.Kind);
        NodeSpecFormatter.Encode(ref writer, value.Sender);
        writer.WriteBool(value.Subject is not null);
        if (value.Subject is { } subject)
        {
            NodeSpecFormatter.Encode(ref writer, subject);
        }

        writer.WriteBool(value.Target is not null);
        if (value.Target is { } target)
        {
            NodeNameFormatter.Encode(ref writer, target);
        }

        writer.WriteVarUInt32((uint)value.Ttl);
        writer.WriteVarInt64(value.Id);
        writer.WriteVarInt64(value.Sequence);
        writer.WriteBool(value.Flag);
        IReadOnlyList<NodeSpec> sample = value.Sample;
        writer.WriteVarUInt32((uint)sample.Count);
        for (int i = 0; i < sample.Count; i++)
        {
            NodeSpecFormatter.Encode(ref writer, sample[i]);
        }

        writer.EndObject(scope);
    }

    /// <inheritdoc />
    public override HyParViewMessage Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 9)
        {
            throw new WireFormatException($"A HyParView message has {members} members; 9 are required.");
        }

        var kind = (HyParViewMessageKind)reader.ReadByte();
        if (!Enum.IsDefined(kind))
        {
            throw new WireFormatException($"Unknown HyParView message kind {(byte)kind}.");
        }

        NodeSpec sender = NodeSpecFormatter.Decode(ref reader);
        NodeSpec? subject = reader.ReadBool() ? NodeSpecFormatter.Decode(ref reader) : null;
        NodeName? target = reader.ReadBool() ? NodeNameFormatter.Decode(ref reader) : null;
        uint ttl = reader.ReadVarUInt32();
        if (ttl > MaxTtl)
        {
            throw new WireFormatException($"A HyParView {kind} carries ttl {ttl}; at most {MaxTtl} is allowed.");
        }

        long id = reader.ReadVarInt64();
        long sequence = reader.ReadVarInt64();
        bool flag = reader.ReadBool();
        int count = reader.ReadCount("HyParView sample", 10);
        if (count > HyParViewMessage.MaxSample)
        {
            throw new WireFormatException($"A HyParView {kind} carries {count} peers; at most {HyParViewMessage.MaxSample} are allowed.");
        }

        var sample = new NodeSpec[count];
        for (int i = 0; i < count; i++)
        {
            sample[i] = NodeSpecFormatter.Decode(ref reader);
        }

        reader.EndObject(scope);
        string? missing = kind switch
        {
            HyParViewMessageKind.ForwardJoin or HyParViewMessageKind.Shuffle when subject is null => "a subject",
            HyParViewMessageKind.RouteRequest or HyParViewMessageKind.RouteReply when subject is null || target is null => "a subject and a target",
            HyParViewMessageKind.RouteError when target is null => "a target",
            _ => null,
        };
        if (missing is not null)
        {
            throw new WireFormatException($"A HyParView {kind} needs {missing}.");
        }

        return HyParViewMessage.FromWire(kind, sender, subject, target, (int)ttl, id, sequence, flag, sample);
    }
}
