using System.Buffers;
using System.IO.Compression;
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
                Compress(scratch, frame.Body, compression);
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

    /// <summary>Reads the payload after the header. Throws <see cref="WireFormatException"/> or <see cref="TypeRegistrationException"/> for a payload this node cannot read.</summary>
    public object? ReadPayload(ref WireReader reader, MessageFlags flags)
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

        uint originalLength = reader.ReadVarUInt32();
        if (originalLength == 0 || originalLength > _maxFrameSize)
        {
            throw new WireFormatException($"A compressed payload claims {originalLength} bytes uncompressed; the limit is {_maxFrameSize}.");
        }

        int compressedLength = checked((int)reader.Remaining);
        byte[] compressed = ArrayPool<byte>.Shared.Rent(Math.Max(1, compressedLength));

        // The declared length is only a limit: the buffer grows as output actually arrives, so a frame of a few bytes
        // claiming MaxFrameSize costs what it carries, not what it claims (the fuzzer found a 41-byte frame renting 64 MiB).
        byte[] plain = ArrayPool<byte>.Shared.Rent((int)Math.Min(originalLength, Math.Max(4096L, 4L * compressedLength)));
        try
        {
            reader.ReadRaw(compressed.AsSpan(0, compressedLength));
            int written = Decompress(compressed.AsSpan(0, compressedLength), ref plain, (int)originalLength);
            if (written != originalLength)
            {
                throw new WireFormatException($"A compressed payload decompressed to {written} bytes, not the {originalLength} declared.");
            }

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
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    private static void Compress(WireBuffer source, WireBuffer destination, ChannelCompression compression)
    {
        int length = checked((int)source.WrittenCount);
        byte[] input = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            source.CopyTo(input);
            if (compression == ChannelCompression.Brotli)
            {
                destination.GetSpan(1)[0] = (byte)ChannelCompression.Brotli;
                destination.Advance(1);
                int max = BrotliEncoder.GetMaxCompressedLength(length);
                Span<byte> target = destination.GetSpan(max);
                if (!BrotliEncoder.TryCompress(input.AsSpan(0, length), target, out int written, quality: 4, window: 22))
                {
                    throw new InvalidOperationException("Brotli compression failed.");
                }

                destination.Advance(written);
            }
            else
            {
                destination.GetSpan(1)[0] = (byte)ChannelCompression.Deflate;
                destination.Advance(1);
                using var stream = new BufferWriterStream(destination);
                using (var deflate = new DeflateStream(stream, CompressionLevel.Fastest, leaveOpen: true))
                {
                    deflate.Write(input, 0, length);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    // Inflates into plain (rented; replaced by a larger one as output arrives) up to limit bytes; returns how many.
    private static int Decompress(ReadOnlySpan<byte> compressed, ref byte[] plain, int limit)
    {
        if (compressed.Length < 1)
        {
            throw new WireFormatException("A compressed payload is empty.");
        }

        var algorithm = (ChannelCompression)compressed[0];
        ReadOnlySpan<byte> data = compressed[1..];
        switch (algorithm)
        {
            case ChannelCompression.Brotli:
            {
                using var decoder = new BrotliDecoder();
                int total = 0;
                while (true)
                {
                    OperationStatus status = decoder.Decompress(data, plain.AsSpan(total, Math.Min(plain.Length, limit) - total), out int consumed, out int written);
                    data = data[consumed..];
                    total += written;
                    switch (status)
                    {
                        case OperationStatus.Done:
                            return total;
                        case OperationStatus.DestinationTooSmall when total == plain.Length && total < limit:
                            Grow(ref plain, total, limit);
                            break;
                        default:
                            throw new WireFormatException("A Brotli payload is corrupt or larger than declared.");
                    }
                }
            }

            case ChannelCompression.Deflate:
                try
                {
                    using var input = new MemoryStream(data.ToArray(), writable: false);
                    using var deflate = new DeflateStream(input, CompressionMode.Decompress);
                    int total = 0;
                    while (true)
                    {
                        if (total == Math.Min(plain.Length, limit))
                        {
                            if (total == limit)
                            {
                                break;
                            }

                            Grow(ref plain, total, limit);
                        }

                        int n = deflate.Read(plain.AsSpan(total, Math.Min(plain.Length, limit) - total));
                        if (n == 0)
                        {
                            break;
                        }

                        total += n;
                    }

                    Span<byte> probe = stackalloc byte[1];
                    if (deflate.Read(probe) != 0)
                    {
                        throw new WireFormatException("A Deflate payload is larger than declared.");
                    }

                    return total;
                }
                catch (InvalidDataException ex)
                {
                    throw new WireFormatException("A Deflate payload is corrupt.", ex);
                }

            default:
                throw new WireFormatException($"Unknown compression {(byte)algorithm}.");
        }
    }

    // Replaces plain (rented) by one twice as large (at most limit bytes), keeping its first used bytes.
    private static void Grow(ref byte[] plain, int used, int limit)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, 2L * plain.Length));
        plain.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(plain);
        plain = larger;
    }

    private sealed class BufferWriterStream(IBufferWriter<byte> target) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => target.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => target.Write(buffer);
    }
}
