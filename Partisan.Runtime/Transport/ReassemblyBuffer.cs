using System.Buffers;

namespace Partisan.Transport;

/// <summary>
/// The bytes of one message being reassembled from fragments, in pooled chunks of 64 KiB (below the large object heap's
/// threshold, so a large message costs no LOH array here), read back as a <see cref="ReadOnlySequence{T}"/> without
/// copying. <see cref="Reset"/> gives the chunks back; the buffer object (and its segment objects) is reused.
/// </summary>
internal sealed class ReassemblyBuffer
{
    /// <summary>Bytes per chunk: under the 85,000-byte large object threshold.</summary>
    public const int ChunkSize = 64 * 1024;

    // Its own pool: the shared one keeps about 8 arrays of a size per core, so the 128 chunks of an 8 MiB message mostly
    // went to the garbage collector and were allocated afresh for the next. This one keeps up to 16 MiB of chunks.
    private static readonly ArrayPool<byte> Chunks = ArrayPool<byte>.Create(ChunkSize, 256);

    private readonly List<byte[]> _chunks = new();
    private readonly List<Chunk> _segments = new();
    private long _length;

    /// <summary>Bytes appended since the last reset.</summary>
    public long Length => _length;

    /// <summary>Appends <paramref name="data"/>, renting chunks as needed.</summary>
    public void Append(ReadOnlySequence<byte> data)
    {
        foreach (ReadOnlyMemory<byte> memory in data)
        {
            ReadOnlySpan<byte> span = memory.Span;
            while (!span.IsEmpty)
            {
                int used = (int)(_length % ChunkSize);
                if (used == 0 && _length / ChunkSize == _chunks.Count)
                {
                    _chunks.Add(Chunks.Rent(ChunkSize));
                }

                byte[] chunk = _chunks[^1];
                int n = Math.Min(span.Length, ChunkSize - used);
                span[..n].CopyTo(chunk.AsSpan(used));
                span = span[n..];
                _length += n;
            }
        }
    }

    /// <summary>The bytes appended, valid until the next <see cref="Append"/> or <see cref="Reset"/>.</summary>
    public ReadOnlySequence<byte> AsSequence()
    {
        if (_chunks.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        if (_chunks.Count == 1)
        {
            return new ReadOnlySequence<byte>(_chunks[0], 0, (int)_length);
        }

        while (_segments.Count < _chunks.Count)
        {
            _segments.Add(new Chunk());
        }

        Chunk? previous = null;
        for (int i = 0; i < _chunks.Count; i++)
        {
            int length = i == _chunks.Count - 1 ? (int)(_length - ((long)i * ChunkSize)) : ChunkSize;
            Chunk segment = _segments[i];
            segment.Set(_chunks[i].AsMemory(0, length), (long)i * ChunkSize);
            previous?.Link(segment);
            previous = segment;
        }

        previous!.Link(null);
        Chunk first = _segments[0];
        return new ReadOnlySequence<byte>(first, 0, previous, (int)(_length - ((long)(_chunks.Count - 1) * ChunkSize)));
    }

    /// <summary>Gives the chunks back to the pool and forgets the bytes.</summary>
    public void Reset()
    {
        foreach (byte[] chunk in _chunks)
        {
            Chunks.Return(chunk);
        }

        _chunks.Clear();
        foreach (Chunk segment in _segments)
        {
            segment.Set(ReadOnlyMemory<byte>.Empty, 0);
            segment.Link(null);
        }

        _length = 0;
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public void Set(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void Link(Chunk? next) => Next = next;
    }
}
