using System.Buffers;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Channels;

/// <summary>
/// Encodes and decodes the bodies of <c>Message</c> and <c>Control</c> frames. A message body is:
/// type byte, flags byte, target (pid id as varint, or registered name), then the payload — the
/// message with its type descriptor — either as is, or compressed (varint original length, then
/// Deflate or Brotli bytes) when the channel compresses and the payload is large enough.
/// </summary>
internal sealed class MessageCodec
{
    private readonly WireContext _context;
    private readonly int _maxFrameSize;
    private readonly int _compressionThreshold;

    [ThreadStatic]
    private static WireBuffer? _scratch;

    public MessageCodec(WireContext context, int maxFrameSize, int compressionThreshold)
    {
        _context = context;
        _maxFrameSize = maxFrameSize;
        _compressionThreshold = compressionThreshold;
    }

    public WireContext Context => _context;

    /// <summary>Encodes a message for <paramref name="target"/> into <paramref name="frame"/>.</summary>
    /// <exception cref="MessageTooLargeException">The encoded message is larger than MaxFrameSize.</exception>
    public void EncodeMessage(OutboundFrame frame, ProcessRef target, object message, ChannelCompression compression)
    {
        var flags = MessageFlags.None;
        if (target.IsName)
        {
            flags |= MessageFlags.TargetIsName;
        }

        if (compression == ChannelCompression.None)
        {
            var writer = new WireWriter(frame.Body, _context);
            writer.WriteByte((byte)FrameType.Message);
            writer.WriteByte((byte)flags);
            WriteTarget(ref writer, target);
            writer.WriteObject(message);
            writer.Flush();
            CheckSize(frame.Body.WrittenCount);
            return;
        }

        WireBuffer scratch = _scratch ??= new WireBuffer(4096);
        scratch.Reset();
        try
        {
            var payloadWriter = new WireWriter(scratch, _context);
            payloadWriter.WriteObject(message);
            payloadWriter.Flush();
            CheckSize(scratch.WrittenCount);
            bool compress = scratch.WrittenCount >= _compressionThreshold;
            var writer = new WireWriter(frame.Body, _context);
            writer.WriteByte((byte)FrameType.Message);
            writer.WriteByte((byte)(compress ? flags | MessageFlags.Compressed : flags));
            WriteTarget(ref writer, target);
            if (!compress)
            {
                writer.Flush();
                scratch.CopyTo(frame.Body);
            }
            else
            {
                writer.WriteVarUInt32((uint)scratch.WrittenCount);
                writer.Flush();
                PayloadCompression.Compress(scratch, frame.Body, compression);
            }

            CheckSize(frame.Body.WrittenCount);
        }
        finally
        {
            if (scratch.WrittenCount > 1024 * 1024)
            {
                scratch.Dispose();
                _scratch = null;
            }
        }
    }

    /// <summary>Encodes a runtime control message into <paramref name="frame"/>.</summary>
    public void EncodeControl(OutboundFrame frame, object message)
    {
        var writer = new WireWriter(frame.Body, _context);
        writer.WriteByte((byte)FrameType.Control);
        writer.WriteObject(message);
        writer.Flush();
        CheckSize(frame.Body.WrittenCount);
    }

    private void CheckSize(long length)
    {
        if (length + FrameCodec.HeaderSize > _maxFrameSize)
        {
            throw new MessageTooLargeException($"The message encodes to {length} bytes, more than MaxFrameSize ({_maxFrameSize}); it was not sent.");
        }
    }

    private static void WriteTarget(ref WireWriter writer, ProcessRef target)
    {
        if (target.IsName)
        {
            writer.WriteString(target.Name);
        }
        else
        {
            writer.WriteVarInt64(target.Id);
        }
    }

    /// <summary>Reads the header of a message frame (after the type byte): the flags and the target on this node.</summary>
    /// <exception cref="ProtocolException">The header is malformed.</exception>
    public static MessageFlags ReadHeader(ref WireReader reader, NodeName self, out ProcessRef target)
    {
        try
        {
            var flags = (MessageFlags)reader.ReadByte();
            if ((flags & ~(MessageFlags.TargetIsName | MessageFlags.Compressed)) != 0)
            {
                throw new ProtocolException($"Unknown message flags 0x{(byte)flags:X2}.");
            }

            if ((flags & MessageFlags.TargetIsName) != 0)
            {
                string? name = reader.ReadString();
                string? error = RegisteredName.Validate(name);
                target = error is null ? ProcessRef.ForName(name!, self) : throw new ProtocolException("Bad target name: " + error);
            }
            else
            {
                target = new Pid(self, reader.ReadVarInt64());
            }

            return flags;
        }
        catch (WireFormatException ex)
        {
            throw new ProtocolException("Malformed message header: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// Reads the payload after the header. A compressed payload is refused on a channel that does not compress here, and
    /// inflated by what arrives (<see cref="PayloadCompression.Inflate"/>). Throws <see cref="WireFormatException"/> or
    /// <see cref="TypeRegistrationException"/> for a payload this node cannot read (that message is dropped).
    /// </summary>
    public object? ReadPayload(ref WireReader reader, MessageFlags flags, ChannelOptions channel)
    {
        if ((flags & MessageFlags.Compressed) == 0)
        {
            object? value = reader.ReadObject();
            if (!reader.End)
            {
                throw new WireFormatException($"{reader.Remaining} unexpected bytes after the message payload.");
            }

            return value;
        }

        if (channel.Compression == ChannelCompression.None)
        {
            throw new WireFormatException($"A compressed payload on channel '{channel.Name}', which does not compress on this node (configure channels alike on every node).");
        }

        uint declared = reader.ReadVarUInt32();
        if (declared == 0 || declared > _maxFrameSize)
        {
            throw new WireFormatException($"A compressed payload claims {declared} bytes uncompressed; the limit is {_maxFrameSize}.");
        }

        int written = PayloadCompression.Inflate(reader.UnreadSequence, (int)declared, out byte[] plain);
        reader.Skip(reader.Remaining);
        try
        {
            var inner = new WireReader(new ReadOnlySequence<byte>(plain, 0, written), _context);
            object? value = inner.ReadObject();
            if (!inner.End)
            {
                throw new WireFormatException($"{inner.Remaining} unexpected bytes after the message payload.");
            }

            return value;
        }
        finally
        {
            PayloadBuffers.Return(plain);
        }
    }
}
