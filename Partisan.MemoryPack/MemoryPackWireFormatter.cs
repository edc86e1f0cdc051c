using MemoryPack;
using Partisan.Serialization;

namespace Partisan;

/// <summary>
/// Carries a <c>[MemoryPackable]</c> <typeparamref name="T"/> in Partisan's codec: MemoryPack's bytes as one
/// length-prefixed field, so the frame's size limits and the registry's type ids apply as to any message. Made by
/// <see cref="MemoryPackTypeRegistryExtensions.RegisterMemoryPack{T}"/>, which first checks that no frame can nest deeper
/// than <typeparamref name="T"/>'s declaration (<see cref="MemoryPackNesting"/>).
/// </summary>
/// <typeparam name="T">The MemoryPack type.</typeparam>
public sealed class MemoryPackWireFormatter<T> : WireFormatter<T>
    where T : IMemoryPackable<T>
{
    /// <inheritdoc />
    public override void Write(ref WireWriter writer, T value) => writer.WriteBytes(MemoryPackSerializer.Serialize(value));

    /// <inheritdoc />
    public override T Read(ref WireReader reader)
    {
        byte[] bytes = reader.ReadBytes() ?? throw new WireFormatException($"A {typeof(T).Name} (MemoryPack) was null.");
        try
        {
            return MemoryPackSerializer.Deserialize<T>(bytes) ?? throw new WireFormatException($"A {typeof(T).Name} (MemoryPack) was null.");
        }
        catch (Exception ex) when (ex is MemoryPackSerializationException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new WireFormatException($"A malformed {typeof(T).Name} (MemoryPack): {ex.Message}", ex);
        }
    }
}
