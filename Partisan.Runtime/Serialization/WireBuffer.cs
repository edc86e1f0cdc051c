using System.Buffers;

namespace Partisan.Serialization;

/// <summary>
/// A growable, pooled, segmented <see cref="IBufferWriter{T}"/>. Unlike <see cref="ArrayBufferWriter{T}"/>
/// it never moves bytes already written when it grows, so a length slot reserved earlier can be
/// filled in later (<see cref="WireWriter.EndObject"/> relies on this). Segments come from
/// <see cref="ArrayPool{T}.Shared"/>; <see cref="Reset"/> keeps one small segment for reuse and
/// <see cref="Dispose"/> returns them all.
/// </summary>
public sealed class WireBuffer : IBufferWriter<byte>, IDisposable
{
    private const int MaxSegmentSize = 1024 * 1024;
    private readonly int _initialSize;
    private readonly List<byte[]> _segments = new();
    private readonly List<int> _segmentLengths = new();
    private byte[] _current;
    private int _currentLength;
    private long _committedBefore;

    /// <summary>Creates a buffer whose first segment holds <paramref name="initialSize"/> bytes.</summary>
    public WireBuffer(int initialSize = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialSize, 16);
        _initialSize = initialSize;
        _current = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    /// <summary>Bytes written so far.</summary>
    public long WrittenCount => _committedBefore + _currentLength;

    /// <inheritdoc />
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_current.Length - _currentLength))
        {
            throw new ArgumentOutOfRangeException(nameof(count), "Advanced past the end of the buffer obtained from GetSpan/GetMemory.");
        }

        _currentLength += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsMemory(_currentLength);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsSpan(_currentLength);
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_current.Length - _currentLength >= sizeHint)
        {
            return;
        }

        int next = Math.Max(sizeHint, (int)Math.Min(MaxSegmentSize, Math.Max(_initialSize, (long)_current.Length * 2)));
        if (_currentLength == 0)
        {
            // Nothing written to the current array yet: replace it rather than leave an empty segment behind,
            // so a first write larger than the initial size still ends up in a single segment.
            ReturnToPool(_current);
            _current = ArrayPool<byte>.Shared.Rent(next);
            return;
        }

        _segments.Add(_current);
        _segmentLengths.Add(_currentLength);
        _committedBefore += _currentLength;
        _current = ArrayPool<byte>.Shared.Rent(next);
        _currentLength = 0;
    }

    private static void ReturnToPool(byte[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>Overwrites bytes already written, at an absolute <paramref name="position"/>.</summary>
    public void Patch(long position, ReadOnlySpan<byte> bytes)
    {
        if (position < 0 || position + bytes.Length > WrittenCount)
        {
            throw new ArgumentOutOfRangeException(nameof(position), "Patch outside the written range.");
        }

        long segmentStart = 0;
        int index = 0;
        while (bytes.Length > 0)
        {
            byte[] segment;
            int length;
            if (index < _segments.Count)
            {
                segment = _segments[index];
                length = _segmentLengths[index];
            }
            else
            {
                segment = _current;
                length = _currentLength;
            }

            if (position < segmentStart + length)
            {
                int offset = (int)(position - segmentStart);
                int n = Math.Min(bytes.Length, length - offset);
                bytes[..n].CopyTo(segment.AsSpan(offset));
                bytes = bytes[n..];
                position += n;
            }

            segmentStart += length;
            index++;
        }
    }

    /// <summary>Copies everything written to <paramref name="destination"/>.</summary>
    public void CopyTo(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        for (int i = 0; i < _segments.Count; i++)
        {
            destination.Write(_segments[i].AsSpan(0, _segmentLengths[i]));
        }

        destination.Write(_current.AsSpan(0, _currentLength));
    }

    /// <summary>Copies everything written to <paramref name="destination"/>, which must be large enough.</summary>
    public void CopyTo(Span<byte> destination)
    {
        int offset = 0;
        for (int i = 0; i < _segments.Count; i++)
        {
            _segments[i].AsSpan(0, _segmentLengths[i]).CopyTo(destination[offset..]);
            offset += _segmentLengths[i];
        }

        _current.AsSpan(0, _currentLength).CopyTo(destination[offset..]);
    }

    /// <summary>The written bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var result = new byte[checked((int)WrittenCount)];
        CopyTo(result);
        return result;
    }

    /// <summary>True when all written bytes are in one segment; <paramref name="span"/> then holds them.</summary>
    public bool TryGetSingleSegment(out ReadOnlySpan<byte> span)
    {
        if (_segments.Count == 0)
        {
            span = _current.AsSpan(0, _currentLength);
            return true;
        }

        span = default;
        return false;
    }

    /// <summary>The number of segments (for writers that copy segment by segment).</summary>
    public int SegmentCount => _segments.Count + 1;

    /// <summary>Segment <paramref name="index"/>'s written bytes.</summary>
    public ReadOnlyMemory<byte> GetSegment(int index) =>
        index < _segments.Count ? _segments[index].AsMemory(0, _segmentLengths[index]) : _current.AsMemory(0, _currentLength);

    /// <summary>Forgets what was written, keeping one segment (of about the initial size) for reuse.</summary>
    public void Reset()
    {
        foreach (byte[] segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        _segmentLengths.Clear();
        if (_current.Length == 0 || _current.Length > _initialSize * 4)
        {
            // Do not hold on to a large segment after a large message.
            ReturnToPool(_current);
            _current = ArrayPool<byte>.Shared.Rent(_initialSize);
        }

        _currentLength = 0;
        _committedBefore = 0;
    }

    /// <summary>Returns all segments to the pool.</summary>
    public void Dispose()
    {
        foreach (byte[] segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        _segmentLengths.Clear();
        ReturnToPool(_current);
        _current = Array.Empty<byte>();
        _currentLength = 0;
        _committedBefore = 0;
    }
}
