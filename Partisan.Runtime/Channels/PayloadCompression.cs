using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Partisan.Serialization;

namespace Partisan.Channels;

/// <summary>
/// Compresses a payload on the sender and inflates it on the receiver (docs/wire.md, compressed payloads). Inflating
/// trusts only what arrived: the output buffer starts small and grows while the data inflates, never beyond the length
/// the sender declared (itself at most MaxFrameSize), so a few bytes claiming a large payload cost a few kilobytes.
/// </summary>
internal static class PayloadCompression
{
    /// <summary>The output buffer's first size: enough for most payloads at ordinary compression ratios.</summary>
    private const int InitialOutput = 16 * 1024;

    /// <summary>Writes the algorithm byte and the compressed form of <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static void Compress(WireBuffer source, WireBuffer destination, ChannelCompression compression)
    {
        int length = checked((int)source.WrittenCount);
        byte[] input = PayloadBuffers.Rent(length);
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
            PayloadBuffers.Return(input);
        }
    }

    /// <summary>
    /// Inflates <paramref name="data"/> (algorithm byte, then the compressed bytes) into <paramref name="plain"/>, which the
    /// caller gives back with <see cref="PayloadBuffers.Return"/>. Returns the inflated length, which equals
    /// <paramref name="declared"/>.
    /// </summary>
    /// <exception cref="WireFormatException">Corrupt data, an unknown algorithm, or a length other than declared.</exception>
    public static int Inflate(ReadOnlySequence<byte> data, int declared, out byte[] plain)
    {
        if (data.Length < 1)
        {
            throw new WireFormatException("A compressed payload is empty.");
        }

        var algorithm = (ChannelCompression)data.FirstSpan[0];
        ReadOnlySequence<byte> body = data.Slice(1);
        byte[]? copy = null;
        ReadOnlyMemory<byte> input;
        if (body.IsSingleSegment)
        {
            input = body.First;
        }
        else
        {
            copy = PayloadBuffers.Rent(checked((int)body.Length));
            body.CopyTo(copy);
            input = copy.AsMemory(0, (int)body.Length);
        }

        // One byte of room beyond the declared length reveals a payload that inflates to more than it said.
        int limit = declared + 1;
        plain = PayloadBuffers.Rent((int)Math.Min(limit, Math.Max(InitialOutput, Math.Min(int.MaxValue / 8, body.Length) * 4)));
        try
        {
            int written = algorithm switch
            {
                ChannelCompression.Brotli => InflateBrotli(input.Span, ref plain, limit),
                ChannelCompression.Deflate => InflateDeflate(input, ref plain, limit),
                _ => throw new WireFormatException($"Unknown compression {(byte)algorithm}."),
            };
            if (written != declared)
            {
                throw new WireFormatException(written > declared
                    ? $"A compressed payload inflates to more than the {declared} bytes declared."
                    : $"A compressed payload inflated to {written} bytes, not the {declared} declared.");
            }

            return written;
        }
        catch
        {
            PayloadBuffers.Return(plain);
            plain = [];
            throw;
        }
        finally
        {
            if (copy is not null)
            {
                PayloadBuffers.Return(copy);
            }
        }
    }

    private static int InflateBrotli(ReadOnlySpan<byte> input, ref byte[] plain, int limit)
    {
        using var decoder = new BrotliDecoder();
        int written = 0;
        while (true)
        {
            OperationStatus status = decoder.Decompress(input, plain.AsSpan(written, Math.Min(plain.Length, limit) - written), out int consumed, out int produced);
            input = input[consumed..];
            written += produced;
            switch (status)
            {
                case OperationStatus.Done:
                    return input.IsEmpty ? written : throw new WireFormatException("Bytes follow the end of a Brotli payload.");
                case OperationStatus.DestinationTooSmall:
                    if (written >= limit)
                    {
                        return written; // more than declared: the caller says so
                    }

                    if (written == plain.Length)
                    {
                        plain = PayloadBuffers.Grow(plain, written, (int)Math.Min(limit, (long)plain.Length * 2));
                    }
                    else if (consumed == 0 && produced == 0)
                    {
                        throw new WireFormatException("A Brotli payload is corrupt.");
                    }

                    break;
                default:
                    throw new WireFormatException("A Brotli payload is corrupt or truncated.");
            }
        }
    }

    private static int InflateDeflate(ReadOnlyMemory<byte> input, ref byte[] plain, int limit)
    {
        byte[]? copy = null;
        if (!MemoryMarshal.TryGetArray(input, out ArraySegment<byte> segment))
        {
            copy = PayloadBuffers.Rent(input.Length);
            input.CopyTo(copy);
            segment = new ArraySegment<byte>(copy, 0, input.Length);
        }

        try
        {
            using var source = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
            using var deflate = new DeflateStream(source, CompressionMode.Decompress);
            int written = 0;
            while (written < limit)
            {
                if (written == plain.Length)
                {
                    plain = PayloadBuffers.Grow(plain, written, (int)Math.Min(limit, (long)plain.Length * 2));
                }

                int n = deflate.Read(plain.AsSpan(written, Math.Min(plain.Length, limit) - written));
                if (n == 0)
                {
                    break;
                }

                written += n;
            }

            return written;
        }
        catch (InvalidDataException ex)
        {
            throw new WireFormatException("A Deflate payload is corrupt.", ex);
        }
        finally
        {
            if (copy is not null)
            {
                PayloadBuffers.Return(copy);
            }
        }
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
