using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Text;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Channels;

/// <summary>
/// Writes and reads the block of optional header fields of a message frame (docs/wire.md "Header extensions"):
/// <c>varuint blockLength</c>, then fields of <c>varuint id, varuint length, bytes[length]</c>. The reader bounds the
/// block by <see cref="MaxBytes"/>, skips ids it does not know by their length, and treats anything malformed as a
/// protocol error (the connection closes).
/// </summary>
internal static class FrameExtensionsCodec
{
    /// <summary>The largest block of header fields a node writes or reads.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Bytes of a binary <c>traceparent</c> of version 0.</summary>
    public const int TraceParentLength = 26;

    /// <summary>The longest <c>tracestate</c> sent, in UTF-8 bytes (the W3C limit).</summary>
    public const int MaxTraceStateBytes = 512;

    /// <summary>Writes the block (its length first); returns its size on the wire, length prefix included.</summary>
    /// <exception cref="MessageTooLargeException">The fields encode to more than <see cref="MaxBytes"/>.</exception>
    public static int Write(ref WireWriter writer, in FrameExtensions extensions)
    {
        int traceStateBytes = TraceStateBytes(extensions.TraceContext);
        int body = BodyLength(extensions, traceStateBytes);
        if (body > MaxBytes)
        {
            throw new MessageTooLargeException($"The message's header fields encode to {body} bytes, more than {MaxBytes}; it was not sent.");
        }

        writer.WriteVarUInt32((uint)body);
        if (extensions.AckId is { } ackId)
        {
            WriteFieldHeader(ref writer, ExtensionField.AckId, VarSize(ackId));
            writer.WriteVarUInt64(ackId);
        }

        if (extensions.AckContext is { } context)
        {
            WriteFieldHeader(ref writer, ExtensionField.AckContext, VarSize(context.Epoch) + VarSize(context.Floor));
            writer.WriteVarUInt64(context.Epoch);
            writer.WriteVarUInt64(context.Floor);
        }

        if (extensions.CausalClock is { } clock)
        {
            WriteFieldHeader(ref writer, ExtensionField.CausalClock, clock.Length);
            writer.WriteRaw(clock.Span);
        }

        if (extensions.TraceContext is { } trace)
        {
            WriteFieldHeader(ref writer, ExtensionField.TraceParent, TraceParentLength);
            Span<byte> parent = stackalloc byte[TraceParentLength];
            parent[0] = 0;
            trace.TraceId.CopyTo(parent[1..17]);
            trace.SpanId.CopyTo(parent[17..25]);
            parent[25] = (byte)trace.TraceFlags;
            writer.WriteRaw(parent);
            if (traceStateBytes > 0)
            {
                WriteFieldHeader(ref writer, ExtensionField.TraceState, traceStateBytes);
                Span<byte> state = stackalloc byte[MaxTraceStateBytes];
                writer.WriteRaw(state[..Encoding.UTF8.GetBytes(trace.TraceState, state)]);
            }
        }

        if (extensions.RawFields is { } raw)
        {
            writer.WriteRaw(raw.Span);
        }

        return VarSize((uint)body) + body;
    }

    private static int BodyLength(in FrameExtensions extensions, int traceStateBytes)
    {
        int length = 0;
        if (extensions.AckId is { } ackId)
        {
            length += FieldSize(ExtensionField.AckId, VarSize(ackId));
        }

        if (extensions.AckContext is { } context)
        {
            length += FieldSize(ExtensionField.AckContext, VarSize(context.Epoch) + VarSize(context.Floor));
        }

        if (extensions.CausalClock is { } clock)
        {
            length += FieldSize(ExtensionField.CausalClock, clock.Length);
        }

        if (extensions.TraceContext is not null)
        {
            length += FieldSize(ExtensionField.TraceParent, TraceParentLength);
            length += traceStateBytes > 0 ? FieldSize(ExtensionField.TraceState, traceStateBytes) : 0;
        }

        return length + (extensions.RawFields?.Length ?? 0);
    }

    private static int TraceStateBytes(ActivityContext? trace)
    {
        if (trace?.TraceState is not { Length: > 0 } state || state.Length > MaxTraceStateBytes)
        {
            return 0;
        }

        int bytes = Encoding.UTF8.GetByteCount(state);
        return bytes <= MaxTraceStateBytes ? bytes : 0;
    }

    private static void WriteFieldHeader(ref WireWriter writer, ExtensionField id, int length)
    {
        writer.WriteVarUInt32((uint)id);
        writer.WriteVarUInt32((uint)length);
    }

    private static int FieldSize(ExtensionField id, int length) => VarSize((uint)id) + VarSize((uint)length) + length;

    /// <summary>Bytes of <paramref name="value"/> as a varint.</summary>
    public static int VarSize(ulong value) => value < 0x80 ? 1 : (BitOperations.Log2(value) / 7) + 1;

    /// <summary>Reads the block after the flags byte.</summary>
    /// <exception cref="ProtocolException">The block is too large, truncated, or a known field is malformed or repeated.</exception>
    public static FrameExtensions Read(ref WireReader reader)
    {
        try
        {
            uint length = reader.ReadVarUInt32();
            if (length > MaxBytes || length > reader.Remaining)
            {
                throw new ProtocolException($"Header extensions of {length} bytes: more than {(length > MaxBytes ? $"the limit of {MaxBytes}" : "the frame holds")}.");
            }

            long end = reader.Consumed + length;
            var result = default(FrameExtensions);
            bool traceSeen = false;
            ActivityContext? parent = null;
            string? state = null;
            while (reader.Consumed < end)
            {
                uint id = reader.ReadVarUInt32();
                uint size = reader.ReadVarUInt32();
                if (size > end - reader.Consumed)
                {
                    throw new ProtocolException($"Header field {id} of {size} bytes runs past the end of the header extensions.");
                }

                switch ((ExtensionField)id)
                {
                    case ExtensionField.AckId:
                        Once(result.AckId.HasValue, id);
                        long start = reader.Consumed;
                        result.AckId = reader.ReadVarUInt64();
                        Expect(reader.Consumed - start == size, id);
                        break;
                    case ExtensionField.AckContext:
                        Once(result.AckContext.HasValue, id);
                        long contextStart = reader.Consumed;
                        result.AckContext = new AckContext(reader.ReadVarUInt64(), reader.ReadVarUInt64());
                        Expect(reader.Consumed - contextStart == size, id);
                        break;
                    case ExtensionField.CausalClock:
                        Once(result.CausalClock.HasValue, id);
                        result.CausalClock = Bytes(ref reader, size);
                        break;
                    case ExtensionField.TraceParent:
                        Once(traceSeen, id);
                        traceSeen = true;
                        parent = ReadTraceParent(ref reader, size);
                        break;
                    case ExtensionField.TraceState:
                        Once(state is not null, id);
                        state = ReadTraceState(ref reader, size) ?? string.Empty;
                        break;
                    default:
                        reader.Skip(size);
                        break;
                }
            }

            if (parent is { } context)
            {
                result.TraceContext = new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags, string.IsNullOrEmpty(state) ? null : state, isRemote: true);
            }

            return result;
        }
        catch (WireFormatException ex)
        {
            throw new ProtocolException("Malformed header extensions: " + ex.Message, ex);
        }
    }

    private static void Once(bool seen, uint id)
    {
        if (seen)
        {
            throw new ProtocolException($"Header field {id} appears twice.");
        }
    }

    private static void Expect(bool wellFormed, uint id)
    {
        if (!wellFormed)
        {
            throw new ProtocolException($"Header field {id} does not match its declared length.");
        }
    }

    private static ReadOnlyMemory<byte> Bytes(ref WireReader reader, uint size)
    {
        // Always a copy: the frame's bytes go back to the pipe (or the pool of protected frames) once dispatch returns,
        // and a delivery stage may keep the fields longer.
        ReadOnlyMemory<byte> result = reader.UnreadSequence.Slice(0, size).ToArray();
        reader.Skip(size);
        return result;
    }

    /// <summary>The trace context in a <c>traceparent</c> field; null (the field ignored, as W3C asks) when it is invalid.</summary>
    private static ActivityContext? ReadTraceParent(ref WireReader reader, uint size)
    {
        Span<byte> parent = stackalloc byte[TraceParentLength];
        Expect(size >= TraceParentLength, (uint)ExtensionField.TraceParent);
        reader.ReadRaw(parent);
        byte version = parent[0];
        Expect(version != 0 || size == TraceParentLength, (uint)ExtensionField.TraceParent);
        reader.Skip(size - TraceParentLength); // a later traceparent version may append fields
        if (version == 0xFF || !parent[1..17].ContainsAnyExcept((byte)0) || !parent[17..25].ContainsAnyExcept((byte)0))
        {
            return null;
        }

        return new ActivityContext(ActivityTraceId.CreateFromBytes(parent[1..17]), ActivitySpanId.CreateFromBytes(parent[17..25]), (ActivityTraceFlags)parent[25], null, isRemote: true);
    }

    private static string? ReadTraceState(ref WireReader reader, uint size)
    {
        if (size > MaxTraceStateBytes)
        {
            reader.Skip(size);
            return null;
        }

        Span<byte> state = stackalloc byte[MaxTraceStateBytes];
        reader.ReadRaw(state[..(int)size]);
        return Encoding.UTF8.GetString(state[..(int)size]);
    }

    /// <summary>Null when <paramref name="fields"/> is a sequence of well-formed fields, otherwise what is wrong.</summary>
    public static string? CheckRawFields(ReadOnlySpan<byte> fields)
    {
        if (fields.Length > MaxBytes)
        {
            return $"more than {MaxBytes} bytes";
        }

        var reader = new WireReader(fields.ToArray(), WireContext.Default);
        try
        {
            while (!reader.End)
            {
                uint id = reader.ReadVarUInt32();
                uint size = reader.ReadVarUInt32();
                if (id == 0 || Enum.IsDefined((ExtensionField)id))
                {
                    return $"id {id} is reserved or defined; set it through its property";
                }

                reader.Skip(size);
            }

            return null;
        }
        catch (WireFormatException ex)
        {
            return ex.Message;
        }
    }
}
