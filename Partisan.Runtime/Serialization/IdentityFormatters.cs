using System.Buffers;

namespace Partisan.Serialization;

#pragma warning disable CS1591 // formatter members are documented on the interface

/// <summary>Formatter for <see cref="NodeName"/>: UTF-8 with a varint length; validated when read.</summary>
public sealed class NodeNameFormatter : WireFormatter<NodeName>
{
    public override void Write(ref WireWriter writer, NodeName value) => Encode(ref writer, value);

    public override NodeName Read(ref WireReader reader) => Decode(ref reader);

    internal static void Encode(ref WireWriter writer, NodeName value)
    {
        if (value.IsDefault)
        {
            throw new WireFormatException("Cannot write a default (empty) NodeName.");
        }

        writer.WriteString(value.Value);
    }

    internal static NodeName Decode(ref WireReader reader)
    {
        int length = reader.ReadLengthPrefix("node name");
        if (length < 1 || length > NodeName.MaxLength * 3)
        {
            throw new WireFormatException($"Invalid node name length {length}.");
        }

        // Straight from the input when the name is contiguous there (nearly always), else copied whole.
        if (reader.TryReadContiguous(length, out ReadOnlySpan<byte> bytes))
        {
            return NodeNameCache.Get(bytes);
        }

        Span<byte> copy = stackalloc byte[length];
        reader.ReadRaw(copy);
        return NodeNameCache.Get(copy);
    }
}

/// <summary>
/// Reads and writes <see cref="RemoteRef"/> in the form chosen by <see cref="WireContext.RemoteRefFormat"/>:
/// tag 0 then kind, node and id or name (tuple form), or tag 1 then the URI string. Reading accepts both.
/// </summary>
public static class RemoteRefCodec
{
    private const byte TupleTag = 0;
    private const byte UriTag = 1;

    /// <summary>Writes <paramref name="value"/>.</summary>
    /// <exception cref="WireFormatException">
    /// The reference is a default value, or (URI form) a pid or ref with a negative id, which the URI form cannot carry.
    /// </exception>
    public static void Write(ref WireWriter writer, RemoteRef value)
    {
        if (value.Node.IsDefault)
        {
            throw new WireFormatException("Cannot write a default (empty) remote reference, pid or ref.");
        }

        if (writer.Context.RemoteRefFormat == RemoteRefFormat.Uri)
        {
            string? error = value.UriError();
            if (error is not null)
            {
                throw new WireFormatException(error);
            }

            writer.WriteByte(UriTag);
            writer.WriteString(value.ToUri(writer.Context.RemoteRefUriPadding));
            return;
        }

        writer.WriteByte(TupleTag);
        writer.WriteByte((byte)value.Kind);
        NodeNameFormatter.Encode(ref writer, value.Node);
        if (value.Kind == RemoteRefKind.Name)
        {
            writer.WriteString(value.Name);
        }
        else
        {
            writer.WriteVarInt64(value.Id);
        }
    }

    /// <summary>Reads a reference in either form.</summary>
    public static RemoteRef Read(ref WireReader reader)
    {
        byte tag = reader.ReadByte();
        if (tag == UriTag)
        {
            string uri = reader.ReadString() ?? throw new WireFormatException("A remote reference URI is null.");
            try
            {
                return RemoteRef.ParseUri(uri);
            }
            catch (FormatException ex)
            {
                throw new WireFormatException(ex.Message, ex);
            }
        }

        if (tag != TupleTag)
        {
            throw new WireFormatException($"Unknown remote reference encoding tag {tag}.");
        }

        var kind = (RemoteRefKind)reader.ReadByte();
        NodeName node = NodeNameFormatter.Decode(ref reader);
        switch (kind)
        {
            case RemoteRefKind.Pid:
                return RemoteRef.FromPid(new Pid(node, reader.ReadVarInt64()));
            case RemoteRefKind.Ref:
                return RemoteRef.FromRef(new Ref(node, reader.ReadVarInt64()));
            case RemoteRefKind.Name:
                string? name = reader.ReadString();
                string? error = RegisteredName.Validate(name);
                return error is null ? RemoteRef.FromName(name!, node) : throw new WireFormatException(error);
            default:
                throw new WireFormatException($"Unknown remote reference kind {(byte)kind}.");
        }
    }

    /// <summary>Reads a reference and checks it has the expected kind.</summary>
    internal static RemoteRef Read(ref WireReader reader, RemoteRefKind expected)
    {
        RemoteRef value = Read(ref reader);
        return value.Kind == expected ? value : throw new WireFormatException($"Expected a {expected} reference, got {value}.");
    }
}

/// <summary>Formatter for <see cref="RemoteRef"/>.</summary>
public sealed class RemoteRefFormatter : WireFormatter<RemoteRef>
{
    public override void Write(ref WireWriter writer, RemoteRef value) => RemoteRefCodec.Write(ref writer, value);

    public override RemoteRef Read(ref WireReader reader) => RemoteRefCodec.Read(ref reader);
}

/// <summary>Formatter for <see cref="Pid"/>, as a remote reference.</summary>
public sealed class PidFormatter : WireFormatter<Pid>
{
    public override void Write(ref WireWriter writer, Pid value) => RemoteRefCodec.Write(ref writer, RemoteRef.FromPid(value));

    public override Pid Read(ref WireReader reader) => RemoteRefCodec.Read(ref reader, RemoteRefKind.Pid).ToPid();
}

/// <summary>Formatter for <see cref="Ref"/>, as a remote reference.</summary>
public sealed class RefFormatter : WireFormatter<Ref>
{
    public override void Write(ref WireWriter writer, Ref value) => RemoteRefCodec.Write(ref writer, RemoteRef.FromRef(value));

    public override Ref Read(ref WireReader reader) => RemoteRefCodec.Read(ref reader, RemoteRefKind.Ref).ToRef();
}

/// <summary>Formatter for <see cref="ProcessRef"/>, as a remote reference.</summary>
public sealed class ProcessRefFormatter : WireFormatter<ProcessRef>
{
    public override void Write(ref WireWriter writer, ProcessRef value) => RemoteRefCodec.Write(ref writer, RemoteRef.FromProcessRef(value));

    public override ProcessRef Read(ref WireReader reader)
    {
        RemoteRef value = RemoteRefCodec.Read(ref reader);
        return value.Kind == RemoteRefKind.Ref ? throw new WireFormatException($"Expected a process reference, got {value}.") : value.ToProcessRef();
    }
}

/// <summary>Formatter for <see cref="ExitReason"/>.</summary>
public sealed class ExitReasonFormatter : WireFormatter<ExitReason>
{
    public override void Write(ref WireWriter writer, ExitReason value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WireObjectScope scope = writer.BeginObject(2);
        writer.WriteString(value.Kind);
        writer.WriteString(value.Detail);
        writer.EndObject(scope);
    }

    public override ExitReason Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        string kind = (members > 0 ? reader.ReadString() : null) ?? throw new WireFormatException("An exit reason has no kind.");
        string? detail = members > 1 ? reader.ReadString() : null;
        reader.EndObject(scope);
        return kind switch
        {
            "normal" when detail is null => ExitReason.Normal,
            "noconnection" when detail is null => ExitReason.NoConnection,
            "noproc" when detail is null => ExitReason.NoProc,
            _ => new ExitReason(kind, detail),
        };
    }
}

/// <summary>Formatter for <see cref="Down"/>.</summary>
public sealed class DownFormatter : WireFormatter<Down>
{
    public override void Write(ref WireWriter writer, Down value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WireObjectScope scope = writer.BeginObject(3);
        writer.Write(value.MonitorRef);
        writer.Write(value.Target);
        writer.Write(value.Reason);
        writer.EndObject(scope);
    }

    public override Down Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 3)
        {
            throw new WireFormatException("A Down message has fewer than 3 members.");
        }

        var result = new Down(reader.Read<Ref>(), reader.Read<ProcessRef>(), reader.Read<ExitReason>());
        reader.EndObject(scope);
        return result;
    }
}

/// <summary>Formatter for <see cref="NodeUp"/>.</summary>
public sealed class NodeUpFormatter : WireFormatter<NodeUp>
{
    public override void Write(ref WireWriter writer, NodeUp value)
    {
        ArgumentNullException.ThrowIfNull(value);
        NodeNameFormatter.Encode(ref writer, value.Node);
    }

    public override NodeUp Read(ref WireReader reader) => new(NodeNameFormatter.Decode(ref reader));
}

/// <summary>Formatter for <see cref="NodeDown"/>.</summary>
public sealed class NodeDownFormatter : WireFormatter<NodeDown>
{
    public override void Write(ref WireWriter writer, NodeDown value)
    {
        ArgumentNullException.ThrowIfNull(value);
        NodeNameFormatter.Encode(ref writer, value.Node);
        writer.WriteString(value.Reason);
    }

    public override NodeDown Read(ref WireReader reader) =>
        new(NodeNameFormatter.Decode(ref reader), reader.ReadString() ?? string.Empty);
}
#pragma warning restore CS1591
