using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Partisan.Serialization;

/// <summary>
/// Maps types to formatters and stable wire ids. Built-in types, arrays, lists, dictionaries,
/// hash sets, nullables and enums (as members) need no registration; a type sent as a message
/// must be registered (generated code does this from a module initializer). Two types with the
/// same id are a startup error: <see cref="Register{T}(IWireFormatter{T}, uint?)"/> throws, and
/// <see cref="ThrowIfInvalid"/> reports conflicts recorded by deferred registration.
/// </summary>
public sealed partial class TypeRegistry
{
    private readonly ConcurrentDictionary<Type, Entry> _byType = new();
    private readonly ConcurrentDictionary<uint, Entry> _byId = new();
    private readonly ConcurrentDictionary<Type, IWireFormatter> _memberFormatters = new();
    private readonly List<string> _conflicts = new();
    private readonly Lock _gate = new();
    private int _version;

    /// <summary>How many registries (the first created in the process) get a slot of their own in the per-type formatter cache.</summary>
    private const int CachedRegistries = 16;

    private static int _registriesCreated;

    /// <summary>This registry's slot in the per-type formatter cache (none when it is not below <see cref="CachedRegistries"/>).</summary>
    private readonly int _cacheIndex = Interlocked.Increment(ref _registriesCreated) - 1;

    /// <summary>How deeply generic arguments may nest in a type descriptor (writer and reader agree on it).</summary>
    private const int MaxDescriptorDepth = 8;

    /// <summary>
    /// Registers the runtime's own messages (node specs, membership, calls, monitors) in a registry. Installed once, when
    /// the assembly loads, by the runtime's composition root (<c>Nodes/RuntimeMessages.cs</c>), which asks each subsystem
    /// to register its messages with their reserved ids; so this layer names none of them.
    /// </summary>
    private static Action<TypeRegistry>? _runtimeMessages;

    /// <summary>Creates a registry holding the built-in types and the runtime's own messages.</summary>
    public TypeRegistry()
    {
        BuiltInFormatters.RegisterAll(this);
        _runtimeMessages?.Invoke(this);
    }

    /// <summary>Makes <paramref name="register"/> register the runtime's own messages in <see cref="Default"/> and in every registry created afterwards.</summary>
    internal static void UseRuntimeMessages(Action<TypeRegistry> register)
    {
        _runtimeMessages = register;
        register(Default); // Default is created with the first use of this class, which may be this call
    }

    /// <summary>The process-wide registry; generated code registers here, and nodes use it unless given another.</summary>
    public static TypeRegistry Default { get; } = new();

    private sealed record Entry(uint Id, Type Type, IWireFormatter Formatter);

    /// <summary>Registers <paramref name="formatter"/> for <typeparamref name="T"/> under <paramref name="typeId"/> (default: a stable hash of the type name).</summary>
    /// <exception cref="TypeRegistrationException">The id is taken by another type, or the type already has another id.</exception>
    public void Register<T>(IWireFormatter<T> formatter, uint? typeId = null)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        uint id = typeId ?? WireTypeIds.StableHash(StableTypeName(typeof(T)));
        if (typeId is not null && id < WireTypeIds.FirstUser)
        {
            throw new TypeRegistrationException($"Type id {id} for {typeof(T)} is in the reserved range; user type ids start at {WireTypeIds.FirstUser}.");
        }

        string? conflict = TryAdd(id, typeof(T), formatter);
        if (conflict is not null)
        {
            throw new TypeRegistrationException(conflict);
        }
    }

    /// <summary>
    /// Registers like <see cref="Register{T}(IWireFormatter{T}, uint?)"/> but records a conflict instead of
    /// throwing, for module initializers; <see cref="ThrowIfInvalid"/> (called when a node starts) reports it.
    /// </summary>
    public void RegisterDeferred<T>(IWireFormatter<T> formatter, uint? typeId = null)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        uint id = typeId ?? WireTypeIds.StableHash(StableTypeName(typeof(T)));
        string? conflict = id < WireTypeIds.FirstUser
            ? $"Type id {id} for {typeof(T)} is in the reserved range; user type ids start at {WireTypeIds.FirstUser}."
            : TryAdd(id, typeof(T), formatter);
        if (conflict is not null)
        {
            lock (_gate)
            {
                _conflicts.Add(conflict);
            }
        }
    }

    /// <summary>Registers a built-in type or a runtime message with its reserved id (below <see cref="WireTypeIds.FirstUser"/>).</summary>
    /// <exception cref="TypeRegistrationException">The id is not reserved, or it is taken by another type.</exception>
    internal void RegisterInternal<T>(IWireFormatter<T> formatter, uint typeId)
    {
        if (typeId is WireTypeIds.Null or >= WireTypeIds.FirstUser or (>= WireTypeIds.ArrayOf and < WireTypeIds.FirstInternal))
        {
            throw new TypeRegistrationException($"Type id {typeId} for {typeof(T)} is not an id the runtime may reserve.");
        }

        string? conflict = TryAdd(typeId, typeof(T), formatter);
        if (conflict is not null)
        {
            throw new TypeRegistrationException(conflict);
        }
    }

    /// <summary>Adds a formatter usable for members of type <typeparamref name="T"/> only (no type id).</summary>
    internal void AddMemberFormatter<T>(IWireFormatter<T> formatter)
    {
        lock (_gate)
        {
            _memberFormatters[typeof(T)] = formatter;
            _version++;
            _writeDescriptors.Clear();
        }
    }

    /// <summary>Registers an enum type so it can be sent as a message by itself.</summary>
    public void RegisterEnum<TEnum>(uint? typeId = null)
        where TEnum : struct, Enum => Register(new EnumFormatter<TEnum>(), typeId);

    /// <summary>Throws if any deferred registration conflicted.</summary>
    /// <exception cref="TypeRegistrationException">One or more type id conflicts.</exception>
    public void ThrowIfInvalid()
    {
        lock (_gate)
        {
            if (_conflicts.Count > 0)
            {
                throw new TypeRegistrationException("Type registration failed: " + string.Join(" ", _conflicts));
            }
        }
    }

    private string? TryAdd(uint id, Type type, IWireFormatter formatter)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out Entry? existing))
            {
                if (existing.Type == type)
                {
                    return null; // idempotent
                }

                return $"Type id {id} of {type.FullName} collides with {existing.Type.FullName}; give one of them an explicit id ([PartisanMessage(TypeId = ...)] or Register(..., typeId)).";
            }

            if (_byType.TryGetValue(type, out Entry? other))
            {
                return $"{type.FullName} is already registered with type id {other.Id}; it cannot also have id {id}.";
            }

            var entry = new Entry(id, type, formatter);
            _byId[id] = entry;
            _byType[type] = entry;
            _memberFormatters[type] = formatter;
            _version++; // a formatter cached for this type by GetFormatter<T> may be stale now
            _writeDescriptors.Clear(); // and a cached descriptor may now be written differently
            InvalidateIdTable();
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="type"/> can be sent as a message, that is written with
    /// <see cref="WireWriter.WriteObject"/>: it has a type id, or it is a supported collection (nested at most
    /// 8 levels) whose element types have type ids. Enums need <see cref="RegisterEnum{TEnum}"/> for this,
    /// even inside collections; as typed members they need no registration.
    /// </summary>
    public bool CanSend(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return WhyNotSendable(type, 0) is null;
    }

    /// <summary>Null when a descriptor can be written for <paramref name="type"/>, otherwise why not.</summary>
    private string? WhyNotSendable(Type type, int depth)
    {
        if (_byType.ContainsKey(type))
        {
            return null;
        }

        if (depth > 0 && type == typeof(object))
        {
            return null; // object elements carry their own descriptors
        }

        if (depth >= MaxDescriptorDepth)
        {
            return $"Its type descriptor would nest more than {MaxDescriptorDepth} levels of generic arguments.";
        }

        if (TryGetGenericShape(type, out _, out Type[]? args))
        {
            foreach (Type arg in args)
            {
                string? reason = WhyNotSendable(arg, depth + 1);
                if (reason is not null)
                {
                    return reason;
                }
            }

            return null;
        }

        return $"{type.FullName} has no type id, so it cannot be sent as a message. Mark it [PartisanMessage] or register it with TypeRegistry.Register"
            + (type.IsEnum ? " (or TypeRegistry.RegisterEnum)." : ".");
    }

    /// <summary>The wire id of a registered type.</summary>
    public bool TryGetTypeId(Type type, out uint id)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_byType.TryGetValue(type, out Entry? entry))
        {
            id = entry.Id;
            return true;
        }

        id = 0;
        return false;
    }

    /// <summary>The formatter for <typeparamref name="T"/>, building one for collections, nullables and enums on first use.</summary>
    /// <exception cref="TypeRegistrationException">No formatter is known for the type.</exception>
    /// <remarks>
    /// Each of the first registries of a process has a slot of its own in a static cache per <typeparamref name="T"/>, so
    /// the answer is two loads and two comparisons, and registries used side by side (several nodes in one process)
    /// never evict each other's entries, which would allocate on every message. Later registries look the formatter up
    /// in their table each time: slower, and still allocation-free.
    /// </remarks>
    public IWireFormatter<T> GetFormatter<T>()
    {
        int version = Volatile.Read(ref _version);
        FormatterCache<T>.Slot?[]? slots = FormatterCache<T>.Slots;
        if (slots is not null && (uint)_cacheIndex < (uint)slots.Length)
        {
            FormatterCache<T>.Slot? slot = slots[_cacheIndex];
            if (slot is not null && slot.Version == version && ReferenceEquals(slot.Registry, this))
            {
                return slot.Formatter;
            }
        }

        return CacheFormatter<T>(version);
    }

    private IWireFormatter<T> CacheFormatter<T>(int version)
    {
        Type type = typeof(T);
        var formatter = (IWireFormatter<T>)GetFormatter(type);
        if ((uint)_cacheIndex < CachedRegistries)
        {
            if (Volatile.Read(ref FormatterCache<T>.Slots) is null)
            {
                Interlocked.CompareExchange(ref FormatterCache<T>.Slots, new FormatterCache<T>.Slot?[CachedRegistries], null);
            }

            Volatile.Write(ref FormatterCache<T>.Slots![_cacheIndex], new FormatterCache<T>.Slot(this, version, formatter));
        }

        return formatter;
    }

    /// <summary>The formatter for <paramref name="type"/>.</summary>
    /// <exception cref="TypeRegistrationException">No formatter is known for the type.</exception>
    public IWireFormatter GetFormatter(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_memberFormatters.TryGetValue(type, out IWireFormatter? known))
        {
            return known;
        }

        IWireFormatter built = BuildFormatter(type)
            ?? throw new TypeRegistrationException($"No wire formatter for {type.FullName}. Mark it [PartisanMessage] or register a formatter with TypeRegistry.Register.");
        return _memberFormatters.GetOrAdd(type, built);
    }

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Formatters for closed generic collections are built once per type.")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "Formatter types are referenced statically.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Formatter types are referenced statically.")]
    private static IWireFormatter? BuildFormatter(Type type)
    {
        Type? formatterType = null;
        if (type.IsEnum)
        {
            formatterType = typeof(EnumFormatter<>).MakeGenericType(type);
        }
        else if (TryGetGenericShape(type, out uint ctor, out Type[]? args))
        {
            formatterType = ctor switch
            {
                WireTypeIds.ArrayOf => typeof(ArrayFormatter<>).MakeGenericType(args),
                WireTypeIds.ListOf => typeof(ListFormatter<>).MakeGenericType(args),
                WireTypeIds.DictionaryOf => typeof(DictionaryFormatter<,>).MakeGenericType(args),
                WireTypeIds.NullableOf => typeof(NullableFormatter<>).MakeGenericType(args),
                WireTypeIds.HashSetOf => typeof(HashSetFormatter<>).MakeGenericType(args),
                _ => null,
            };
        }

        return formatterType is null ? null : (IWireFormatter?)Activator.CreateInstance(formatterType);
    }

    private static bool TryGetGenericShape(Type type, out uint constructorId, [NotNullWhen(true)] out Type[]? args)
    {
        if (type.IsArray && type.GetArrayRank() == 1 && type != typeof(byte[]))
        {
            constructorId = WireTypeIds.ArrayOf;
            args = [type.GetElementType()!];
            return true;
        }

        if (type.IsGenericType)
        {
            Type definition = type.GetGenericTypeDefinition();
            constructorId = definition == typeof(List<>) ? WireTypeIds.ListOf
                : definition == typeof(Dictionary<,>) ? WireTypeIds.DictionaryOf
                : definition == typeof(Nullable<>) ? WireTypeIds.NullableOf
                : definition == typeof(HashSet<>) ? WireTypeIds.HashSetOf
                : 0;
            if (constructorId != 0)
            {
                args = type.GetGenericArguments();
                return true;
            }
        }

        constructorId = 0;
        args = null;
        return false;
    }

    /// <summary>The name hashed into a default type id: the full name, with generic arguments and array elements spelled out recursively (no assembly versions).</summary>
    public static string StableTypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsArray)
        {
            // Type.FullName of an array of a generic type names the arguments with their assembly versions.
            string element = StableTypeName(type.GetElementType()!);
            int rank = type.GetArrayRank();
            return element + (type.IsSZArray ? "[]" : rank == 1 ? "[*]" : "[" + new string(',', rank - 1) + "]");
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        Type definition = type.GetGenericTypeDefinition();
        string name = definition.FullName ?? definition.Name;
        Type[] args = type.GetGenericArguments();
        var parts = new string[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            parts[i] = StableTypeName(args[i]);
        }

        return name + "[" + string.Join(",", parts) + "]";
    }

    /// <summary>Per type: one slot for each of the first <see cref="CachedRegistries"/> registries, by <see cref="_cacheIndex"/>.</summary>
    private static class FormatterCache<T>
    {
        public static Slot?[]? Slots; // set once with Interlocked.CompareExchange, then only its elements change

        public sealed record Slot(TypeRegistry Registry, int Version, IWireFormatter<T> Formatter);
    }
}
