using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Partisan.Serialization;

namespace Partisan.Transport;

/// <summary>Frames are a 4-byte big-endian length, then the body (first byte: <see cref="FrameType"/>).</summary>
internal static class FrameCodec
{
    public const int HeaderSize = 4;

    /// <summary>Cuts one frame off the front of <paramref name="buffer"/> if it is all there.</summary>
    /// <exception cref="ProtocolException">The declared length is 0 or above <paramref name="maxFrameSize"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out ReadOnlySequence<byte> frame)
    {
        if (buffer.Length < HeaderSize)
        {
            frame = default;
            return false;
        }

        uint length;
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= HeaderSize)
        {
            length = BinaryPrimitives.ReadUInt32BigEndian(first);
        }
        else
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            buffer.Slice(0, HeaderSize).CopyTo(header);
            length = BinaryPrimitives.ReadUInt32BigEndian(header);
        }

        if (length == 0 || length > (uint)maxFrameSize)
        {
            throw new ProtocolException(length == 0
                ? "Received an empty frame."
                : $"Received a frame of {length} bytes; the maximum is {maxFrameSize} (MaxFrameSize).");
        }

        if (buffer.Length < HeaderSize + length)
        {
            frame = default;
            return false;
        }

        frame = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>Writes a frame whose body is in <paramref name="body"/> (segment by segment).</summary>
    public static void WriteFrame(IBufferWriter<byte> output, WireBuffer body)
    {
        long length = body.WrittenCount;
        Span<byte> header = output.GetSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)length));
        output.Advance(HeaderSize);
        int segments = body.SegmentCount;
        for (int i = 0; i < segments; i++)
        {
            output.Write(body.GetSegment(i).Span);
        }
    }

    /// <summary>
    /// Writes a message frame whose body holds header fields, without them: the <paramref name="length"/> bytes after the
    /// flags byte at <paramref name="flagsAt"/> are left out and the flag is cleared, so the peer receives exactly the frame
    /// encoded with no fields (for a peer whose protocol version has none). Returns the body length written.
    /// </summary>
    public static int WriteFrameWithoutExtensions(IBufferWriter<byte> output, WireBuffer body, int flagsAt, int length)
    {
        long total = body.WrittenCount - length;
        Span<byte> header = output.GetSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)total));
        output.Advance(HeaderSize);
        CopyRange(output, body, 0, flagsAt);
        Span<byte> flags = output.GetSpan(1);
        flags[0] = (byte)(ByteAt(body, flagsAt) & ~(byte)MessageFlags.HasExtensions);
        output.Advance(1);
        CopyRange(output, body, flagsAt + 1L + length, body.WrittenCount);
        return (int)total;
    }

    /// <summary>
    /// Writes one fragment frame of <paramref name="body"/> (a whole frame body, type byte first): the
    /// <paramref name="count"/> bytes from <paramref name="from"/>, as piece <paramref name="index"/> of message
    /// <paramref name="id"/>; the first piece also carries the body's total length (docs/wire.md, "Fragments").
    /// Returns the fragment frame's body length.
    /// </summary>
    public static int WriteFragment(IBufferWriter<byte> output, WireBuffer body, uint id, uint index, long from, int count)
    {
        uint total = checked((uint)body.WrittenCount);
        int header = 1 + VarSize(id) + VarSize(index) + (index == 0 ? VarSize(total) : 0);
        int length = header + count;
        Span<byte> span = output.GetSpan(HeaderSize + header);
        BinaryPrimitives.WriteUInt32BigEndian(span, checked((uint)length));
        span[HeaderSize] = (byte)FrameType.Fragment;
        int at = HeaderSize + 1;
        at += WriteVar(span[at..], id);
        at += WriteVar(span[at..], index);
        if (index == 0)
        {
            at += WriteVar(span[at..], total);
        }

        output.Advance(at);
        CopyRange(output, body, from, from + count);
        return length;
    }

    private static int VarSize(uint value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteVar(Span<byte> span, uint value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        return i;
    }

    private static void CopyRange(IBufferWriter<byte> output, WireBuffer body, long from, long to)
    {
        long start = 0;
        for (int i = 0; i < body.SegmentCount && start < to; i++)
        {
            ReadOnlySpan<byte> segment = body.GetSegment(i).Span;
            long end = start + segment.Length;
            if (end > from)
            {
                output.Write(segment[(int)Math.Max(0, from - start)..(int)Math.Min(segment.Length, to - start)]);
            }

            start = end;
        }
    }

    private static byte ByteAt(WireBuffer body, long position)
    {
        long start = 0;
        for (int i = 0; i < body.SegmentCount; i++)
        {
            ReadOnlySpan<byte> segment = body.GetSegment(i).Span;
            if (position < start + segment.Length)
            {
                return segment[(int)(position - start)];
            }

            start += segment.Length;
        }

        throw new ArgumentOutOfRangeException(nameof(position));
    }

    /// <summary>Writes a frame and flushes; for the handshake.</summary>
    public static async ValueTask WriteFrameAsync(PipeWriter output, WireBuffer body, CancellationToken cancellationToken)
    {
        WriteFrame(output, body);
        FlushResult result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The connection closed while writing.");
        }
    }

    /// <summary>Reads one whole frame into a new array; for the handshake, whose frames are small.</summary>
    public static async ValueTask<byte[]> ReadFrameAsync(PipeReader input, int maxFrameSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TryReadFrame(ref buffer, maxFrameSize, out ReadOnlySequence<byte> frame))
            {
                byte[] bytes = frame.ToArray();
                input.AdvanceTo(buffer.Start);
                return bytes;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                throw new IOException("The connection closed during the handshake.");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
