using System.Buffers;

namespace Partisan.Channels;

/// <summary>
/// Temporary byte arrays for payloads (compression and decompression). Arrays up to <see cref="MaxPooled"/> bytes come
/// from <see cref="ArrayPool{T}.Shared"/>; larger ones are allocated for the one message and left to the GC, so a pool
/// never keeps a buffer sized by one large (or merely claimed) payload.
/// </summary>
internal static class PayloadBuffers
{
    /// <summary>The largest array kept in a pool.</summary>
    public const int MaxPooled = 1024 * 1024;

    /// <summary>An array of at least <paramref name="length"/> bytes (at least one).</summary>
    public static byte[] Rent(int length) =>
        length <= MaxPooled ? ArrayPool<byte>.Shared.Rent(Math.Max(1, length)) : GC.AllocateUninitializedArray<byte>(length);

    /// <summary>Gives back an array from <see cref="Rent"/>; one above <see cref="MaxPooled"/> is dropped.</summary>
    public static void Return(byte[] array)
    {
        if (array.Length <= MaxPooled)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>Grows <paramref name="array"/> (whose first <paramref name="used"/> bytes matter) to at least <paramref name="length"/> bytes.</summary>
    public static byte[] Grow(byte[] array, int used, int length)
    {
        byte[] grown = Rent(length);
        array.AsSpan(0, used).CopyTo(grown);
        Return(array);
        return grown;
    }
}
