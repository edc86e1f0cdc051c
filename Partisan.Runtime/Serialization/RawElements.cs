using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Partisan.Serialization;

/// <summary>
/// Element types whose encoding is their bytes in memory, so an array or list of them is written and read with one
/// copy instead of one formatter call per element: <see cref="double"/> and <see cref="float"/> (IEEE, little-endian),
/// <see cref="Guid"/> (the 16 bytes of <see cref="Guid.TryWriteBytes(Span{byte})"/>), <see cref="byte"/> and
/// <see cref="sbyte"/>. The bytes on the wire are exactly those the per-element formatters write (their ids are
/// built-in, so no registration can replace them); on a big-endian machine the per-element path is kept.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal static class RawElements<T>
{
    /// <summary>True when <typeparamref name="T"/> is copied as raw bytes; a constant once the JIT sees <typeparamref name="T"/>.</summary>
    public static bool Enabled =>
        BitConverter.IsLittleEndian
        && (typeof(T) == typeof(double) || typeof(T) == typeof(float) || typeof(T) == typeof(Guid)
            || typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte));

    /// <summary>The bytes of <paramref name="items"/>.</summary>
    public static ReadOnlySpan<byte> AsBytes(ReadOnlySpan<T> items) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(items)), items.Length * Unsafe.SizeOf<T>());

    /// <summary>The bytes of <paramref name="items"/>, to fill.</summary>
    public static Span<byte> AsWritableBytes(Span<T> items) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(items)), items.Length * Unsafe.SizeOf<T>());

    /// <summary>Throws unless <paramref name="count"/> elements fit in the bytes left: checked before anything is allocated.</summary>
    public static void CheckFits(ref WireReader reader, int count, string what)
    {
        long bytes = (long)count * Unsafe.SizeOf<T>();
        if (bytes > reader.Remaining)
        {
            throw new WireFormatException($"Declared {what} of {count} {typeof(T).Name} values needs {bytes} bytes; {reader.Remaining} remain.");
        }
    }
}
