using MemoryPack;
using Partisan.Serialization;

namespace Partisan;

/// <summary>Registers <c>[MemoryPackable]</c> types as Partisan messages.</summary>
public static class MemoryPackTypeRegistryExtensions
{
    /// <summary>
    /// Registers <typeparamref name="T"/> (a <c>[MemoryPackable]</c> type) so it can be sent as a message and used as a call
    /// argument or result, with a type id like any message (the stable hash of its name, or <paramref name="typeId"/>).
    /// Every node that sends or receives it registers it the same way.
    /// </summary>
    /// <typeparam name="T">The MemoryPack type.</typeparam>
    /// <param name="registry">The node's type registry (<see cref="PartisanOptions.TypeRegistry"/>).</param>
    /// <param name="typeId">An explicit type id, or null for the stable hash.</param>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> can nest without bound (<see cref="MemoryPackNesting"/>).</exception>
    public static void RegisterMemoryPack<T>(this TypeRegistry registry, uint? typeId = null)
        where T : IMemoryPackable<T>
    {
        ArgumentNullException.ThrowIfNull(registry);
        MemoryPackNesting.EnsureBounded(typeof(T));
        registry.Register(new MemoryPackWireFormatter<T>(), typeId);
    }
}
