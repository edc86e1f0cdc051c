using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Partisan.Serialization;

/// <content>
/// Type descriptors: what <see cref="WireWriter.WriteObject"/> writes before a value and <see cref="WireReader.ReadObject"/>
/// reads. Descriptors of types without an id of their own (collections) are cached, so sending or receiving one as an
/// object costs no reflection and no allocation after the first time.
/// </content>
public sealed partial class TypeRegistry
{
    // Per type on write (cleared when a registration changes); per (constructor, arguments) on read, bounded.
    private readonly ConcurrentDictionary<Type, CachedDescriptor> _writeDescriptors = new();
    private readonly ConcurrentDictionary<CompositeKey, Type> _readComposites = new();
    private int _readCompositeCount;

    /// <summary>
    /// How many distinct collection types (each level of a nested one counts) descriptors read from the wire may make
    /// this registry build. Each costs a generic instantiation and a formatter that are kept for good, so a peer sending
    /// ever new nested descriptors must not be able to grow them without limit; past this, a message with a new one is
    /// rejected as malformed. Far above what an application uses.
    /// </summary>
    internal const int MaxCollectionTypesFromWire = 1024;

    /// <summary>The encoded descriptor of a collection type, and the formatter it selects.</summary>
    private sealed class CachedDescriptor(byte[] bytes, IWireFormatter formatter)
    {
        public byte[] Bytes { get; } = bytes;

        public IWireFormatter Formatter { get; } = formatter;
    }

    /// <summary>One level of a collection descriptor read: the constructor id and its resolved argument types.</summary>
    private readonly record struct CompositeKey(uint Constructor, Type First, Type? Second);

    /// <summary>Writes the descriptor of <paramref name="type"/> (its id, plus argument descriptors for collections) and returns its formatter.</summary>
    /// <exception cref="TypeRegistrationException">The type cannot be sent (see <see cref="CanSend"/>); nothing has been written.</exception>
    internal IWireFormatter WriteTypeDescriptor(ref WireWriter writer, Type type)
    {
        if (_byType.TryGetValue(type, out Entry? entry))
        {
            writer.WriteVarUInt32(entry.Id);
            return entry.Formatter;
        }

        if (_writeDescriptors.TryGetValue(type, out CachedDescriptor? cached))
        {
            writer.WriteRaw(cached.Bytes);
            return cached.Formatter;
        }

        cached = BuildDescriptor(type, writer.Context);
        writer.WriteRaw(cached.Bytes);
        return cached.Formatter;
    }

    /// <summary>Encodes the descriptor of a collection type once, and caches it unless a registration changed meanwhile.</summary>
    private CachedDescriptor BuildDescriptor(Type type, WireContext context)
    {
        int version = Volatile.Read(ref _version);

        // Check the whole descriptor first, so a type that cannot be sent leaves no partial descriptor behind.
        string? reason = WhyNotSendable(type, 0);
        if (reason is not null)
        {
            throw new TypeRegistrationException(
                TryGetGenericShape(type, out _, out _) ? $"{type} cannot be sent as a message. {reason}" : reason);
        }

        using var buffer = new WireBuffer(16);
        var scratch = new WireWriter(buffer, context);
        WriteDescriptor(ref scratch, type);
        scratch.Flush();
        var built = new CachedDescriptor(buffer.ToArray(), GetFormatter(type));
        lock (_gate)
        {
            if (_version == version)
            {
                _writeDescriptors.TryAdd(type, built);
            }
        }

        return built;
    }

    private void WriteDescriptor(ref WireWriter writer, Type type)
    {
        if (_byType.TryGetValue(type, out Entry? entry))
        {
            writer.WriteVarUInt32(entry.Id);
            return;
        }

        if (type == typeof(object))
        {
            writer.WriteVarUInt32(WireTypeIds.ObjectArgument);
            return;
        }

        TryGetGenericShape(type, out uint ctor, out Type[]? args);
        writer.WriteVarUInt32(ctor);
        foreach (Type arg in args!)
        {
            WriteDescriptor(ref writer, arg);
        }
    }

    /// <summary>Reads a descriptor written by <see cref="WriteTypeDescriptor"/>; null for the null id.</summary>
    /// <remarks>
    /// A registered id (every message type) answers its formatter straight from the id table; only a collection's
    /// descriptor goes on to resolve its arguments and the collection type they make.
    /// </remarks>
    internal IWireFormatter? ReadTypeDescriptor(ref WireReader reader)
    {
        uint id = reader.ReadVarUInt32();
        Entry? entry = FindById(id);
        if (entry is not null)
        {
            return entry.Formatter;
        }

        Type? type = TypeOf(ref reader, id, 0);
        return type is null ? null : GetFormatter(type);
    }

    private Type? ReadType(ref WireReader reader, int depth)
    {
        if (depth > MaxDescriptorDepth)
        {
            throw new WireFormatException($"A type descriptor is nested more than {MaxDescriptorDepth} levels.");
        }

        uint id = reader.ReadVarUInt32();
        return FindById(id)?.Type ?? TypeOf(ref reader, id, depth);
    }

    /// <summary>The type an id that is not registered stands for: null, <c>object</c> as an argument, or a collection whose arguments follow.</summary>
    private Type? TypeOf(ref WireReader reader, uint id, int depth)
    {
        if (id == WireTypeIds.Null)
        {
            if (depth > 0)
            {
                throw new WireFormatException("A collection type descriptor has a null argument.");
            }

            return null;
        }

        switch (id)
        {
            case WireTypeIds.ObjectArgument when depth > 0:
                return typeof(object);
            case WireTypeIds.ArrayOf:
            case WireTypeIds.ListOf:
            case WireTypeIds.HashSetOf:
            case WireTypeIds.NullableOf:
                return Composite(new CompositeKey(id, Arg(ref reader, depth), null));
            case WireTypeIds.DictionaryOf:
            {
                Type key = Arg(ref reader, depth);
                Type value = Arg(ref reader, depth);
                return Composite(new CompositeKey(id, key, value));
            }

            default:
                throw new WireFormatException($"Unknown type id {id} (0x{id:X8}): the sender knows a message type this node does not. Register it on both nodes.");
        }
    }

    /// <summary>The collection type <paramref name="key"/> describes: cached, or built once (within <see cref="MaxCollectionTypesFromWire"/>).</summary>
    private Type Composite(CompositeKey key) =>
        _readComposites.TryGetValue(key, out Type? type) ? type : BuildComposite(key);

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Closed generic collections of known element types.")]
    private Type BuildComposite(CompositeKey key)
    {
        if (key.Constructor == WireTypeIds.NullableOf && (!key.First.IsValueType || Nullable.GetUnderlyingType(key.First) is not null))
        {
            throw new WireFormatException($"Nullable<{key.First.Name}> is not a valid type.");
        }

        if (Interlocked.Increment(ref _readCompositeCount) > MaxCollectionTypesFromWire)
        {
            Interlocked.Decrement(ref _readCompositeCount);
            throw new WireFormatException(
                $"More than {MaxCollectionTypesFromWire} distinct collection types arrived in type descriptors; a new one is refused.");
        }

        Type type = key.Constructor switch
        {
            WireTypeIds.ArrayOf => key.First.MakeArrayType(),
            WireTypeIds.ListOf => typeof(List<>).MakeGenericType(key.First),
            WireTypeIds.HashSetOf => typeof(HashSet<>).MakeGenericType(key.First),
            WireTypeIds.NullableOf => typeof(Nullable<>).MakeGenericType(key.First),
            _ => typeof(Dictionary<,>).MakeGenericType(key.First, key.Second!),
        };
        if (!_readComposites.TryAdd(key, type))
        {
            Interlocked.Decrement(ref _readCompositeCount); // another reader added it first
        }

        return type;
    }

    private Type Arg(ref WireReader reader, int depth) => ReadType(ref reader, depth + 1)!;
}
