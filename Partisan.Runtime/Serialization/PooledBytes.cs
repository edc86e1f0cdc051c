using System.Buffers;

namespace Partisan;

/// <summary>
/// Bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>, for large binary messages (Erlang's off-heap
/// binaries play this part): a received <see cref="PooledBytes"/> arrives in pooled memory, and the receiver gives it
/// back with <see cref="Dispose"/>, so a stream of large messages takes no fresh array per message (a fresh array is
/// zeroed, faults in new pages and, from 85,000 bytes, is collected only with the large-object heap).
/// </summary>
/// <remarks>
/// Ownership: whoever holds it last disposes it. Sending it to a process on another node copies its bytes into the
/// frame, so the sender still owns (and may reuse or dispose) its instance; the receiver owns the instance it gets.
/// Sending it to a process on the same node passes the instance itself, and ownership with it. Not disposing is safe
/// (the array is then collected like any other); using it after <see cref="Dispose"/> throws.
/// </remarks>
public sealed class PooledBytes : IDisposable
{
    private readonly int _length;
    private byte[]? _array;

    private PooledBytes(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>Rents room for <paramref name="length"/> bytes; their contents are unspecified until written.</summary>
    public static PooledBytes Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new PooledBytes(length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length), length);
    }

    /// <summary>Rents room for <paramref name="bytes"/> and copies them in.</summary>
    public static PooledBytes CopyOf(ReadOnlySpan<byte> bytes)
    {
        PooledBytes pooled = Rent(bytes.Length);
        bytes.CopyTo(pooled._array);
        return pooled;
    }

    /// <summary>How many bytes it holds.</summary>
    public int Length => _length;

    /// <summary>True once <see cref="Dispose"/> gave its array back.</summary>
    public bool IsDisposed => Volatile.Read(ref _array) is null;

    /// <summary>The bytes.</summary>
    /// <exception cref="ObjectDisposedException">It was disposed.</exception>
    public Memory<byte> Memory => Array().AsMemory(0, _length);

    /// <summary>The bytes.</summary>
    /// <exception cref="ObjectDisposedException">It was disposed.</exception>
    public Span<byte> Span => Array().AsSpan(0, _length);

    /// <summary>Gives the array back to the pool; later calls do nothing.</summary>
    public void Dispose()
    {
        byte[]? array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private byte[] Array() => Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(PooledBytes), "These pooled bytes were disposed: their array went back to the pool.");
}
