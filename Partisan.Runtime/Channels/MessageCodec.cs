using System.Buffers;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Channels;

/// <summary>
/// Encodes and decodes the bodies of <c>Message</c> and <c>Control</c> frames. A message body is:
/// type byte, flags byte, the optional header fields when there are any (<see cref="FrameExtensions"/>, protocol
/// version 2), target (pid id as varint, or registered name), then the payload — the message with its type descriptor —
/// either as is, or compressed (varint original length, then Deflate or Brotli bytes) when the channel compresses and
/// the payload is large enough.
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

    /// <summary>Encodes a message for <paramref name="target"/> into <paramref name="frame"/>, with no header fields.</summary>
    /// <exception cref="MessageTooLargeException">The encoded message is larger than MaxFrameSize.</exception>
    public void EncodeMessage(OutboundFrame frame, ProcessRef target, object message, ChannelCompression compression) =>
        EncodeMessage(frame, target, message, compression, in FrameExtensions.None);

    /// <summary>
    /// Encodes a message for <paramref name="target"/> into <paramref name="frame"/>, with <paramref name="extensions"/>
    /// when there are any (the frame records where they are, so a writer to a version 1 peer can leave them out).
    /// </summary>
    /// <exception cref="MessageTooLargeException">The encoded message (or its header fields) is too large.</exception>
    public void EncodeMessage(OutboundFrame frame, ProcessRef target, object message, ChannelCompression compression, in FrameExtensions extensions)
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
            if (extensions.IsEmpty)
            {
                writer.WriteByte((byte)flags);
            }
            else
            {
                WriteFlagsAndExtensions(frame, ref writer, flags, extensions);
            }

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
            MessageFlags written = compress ? flags | MessageFlags.Compressed : flags;
            if (extensions.IsEmpty)
            {
                writer.WriteByte((byte)written);
            }
            else
            {
                WriteFlagsAndExtensions(frame, ref writer, written, extensions);
            }

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

    private static void WriteFlagsAndExtensions(OutboundFrame frame, ref WireWriter writer, MessageFlags flags, in FrameExtensions extensions)
    {
        frame.ExtensionsAt = checked((int)writer.Position);
        writer.WriteByte((byte)(flags | MessageFlags.HasExtensions));
        frame.ExtensionsLength = FrameExtensionsCodec.Write(ref writer, extensions);
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

    /// <summary>The message flags a connection speaking <paramref name="protocolVersion"/> accepts; any other bit is a protocol error.</summary>
    public static MessageFlags FlagsFor(int protocolVersion) =>
        protocolVersion >= ProtocolVersions.Extensions
            ? MessageFlags.TargetIsName | MessageFlags.Compressed | MessageFlags.HasExtensions
            : MessageFlags.TargetIsName | MessageFlags.Compressed;

    /// <summary>
    /// Reads the header of a message frame (after the type byte): the flags, the optional header fields, and the target
    /// on this node. <paramref name="allowed"/> are the flags the connection's protocol version defines (<see cref="FlagsFor"/>).
    /// </summary>
    /// <exception cref="ProtocolException">The header is malformed.</exception>
    public static MessageFlags ReadHeader(ref WireReader reader, NodeName self, MessageFlags allowed, out ProcessRef target, out FrameExtensions extensions)
    {
        try
        {
            var flags = (MessageFlags)reader.ReadByte();
            if ((flags & ~allowed) != 0)
            {
                throw new ProtocolException($"Unknown message flags 0x{(byte)flags:X2}.");
            }

            extensions = (flags & MessageFlags.HasExtensions) == 0 ? default : FrameExtensionsCodec.Read(ref reader);

            if ((flags & MessageFlags.TargetIsName) != 0)
            {
                target = ProcessRef.ForName(RegisteredNameCache.Read(ref reader), self);
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

    /// <summary>
    /// Finds the header fields of a frame body that is a message (<paramref name="body"/> starts with its type byte): the
    /// length of the block after the flags byte, which is at offset 1. False when it has none, or is not a message.
    /// </summary>
    public static bool TryLocateExtensions(ReadOnlySequence<byte> body, WireContext context, out int length)
    {
        length = 0;
        var reader = new WireReader(body, context);
        try
        {
            if (reader.ReadByte() != (byte)FrameType.Message || (((MessageFlags)reader.ReadByte()) & MessageFlags.HasExtensions) == 0)
            {
                return false;
            }

            uint block = reader.ReadVarUInt32();
            if (block > FrameExtensionsCodec.MaxBytes || block > reader.Remaining)
            {
                return false;
            }

            length = FrameExtensionsCodec.VarSize(block) + (int)block;
            return true;
        }
        catch (WireFormatException)
        {
            return false;
        }
    }
}
