using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Partisan.Serialization;

/// <summary>
/// Pre-sizing of collections being read. A declared count is only checked against the bytes that remain
/// (each element takes at least one byte), but an element in memory can be much larger than one byte, so
/// trusting the count would let a small malicious frame make the reader allocate many times its size.
/// Collections are pre-sized only as far as the remaining bytes could fill them and grow past that as
/// elements actually arrive.
/// </summary>
internal static class CollectionSizing
{
    private const int AlwaysAffordable = 256;

    /// <summary>The capacity to allocate up front for <paramref name="count"/> declared items of <paramref name="bytesPerItem"/> bytes in memory.</summary>
    public static int InitialCapacity(int count, long remaining, int bytesPerItem)
    {
        long affordable = Math.Max(AlwaysAffordable, remaining / Math.Max(1, bytesPerItem));
        return (int)Math.Min(count, affordable);
    }

    /// <summary>Bytes per slot of a <see cref="HashSet{T}"/> or <see cref="Dictionary{TKey, TValue}"/>: the entry (hash code, next index, payload) and its bucket.</summary>
    public static int HashEntry(int payloadBytes) => payloadBytes + 12;
}

#pragma warning disable CS1591 // formatter members are documented on the interface

/// <summary>Formatter for one-dimensional arrays: varint (count + 1, 0 = null), then the elements.</summary>
public sealed class ArrayFormatter<T> : WireFormatter<T[]?>
{
    public override void Write(ref WireWriter writer, T[]? value)
    {
        if (value is null)
        {
            writer.WriteVarUInt32(0);
            return;
        }

        writer.WriteVarUInt32((uint)value.Length + 1);
        if (RawElements<T>.Enabled)
        {
            writer.WriteRaw(RawElements<T>.AsBytes(value));
            return;
        }

        IWireFormatter<T> element = writer.Context.Registry.GetFormatter<T>();
        for (int i = 0; i < value.Length; i++)
        {
            element.Write(ref writer, value[i]);
        }
    }

    public override T[]? Read(ref WireReader reader)
    {
        int count = reader.ReadLengthPrefix("array");
        if (count < 0)
        {
            return null;
        }

        if (RawElements<T>.Enabled)
        {
            RawElements<T>.CheckFits(ref reader, count, "array");
            T[] raw = GC.AllocateUninitializedArray<T>(count);
            reader.ReadRaw(RawElements<T>.AsWritableBytes(raw));
            return raw;
        }

        reader.EnterNested();
        IWireFormatter<T> element = reader.Context.Registry.GetFormatter<T>();
        int capacity = CollectionSizing.InitialCapacity(count, reader.Remaining, Unsafe.SizeOf<T>());
        T[] result;
        if (capacity == count)
        {
            result = new T[count];
            for (int i = 0; i < count; i++)
            {
                result[i] = element.Read(ref reader);
            }
        }
        else
        {
            // More declared than the remaining bytes could justify allocating at once: grow as elements arrive.
            var items = new List<T>(capacity);
            for (int i = 0; i < count; i++)
            {
                items.Add(element.Read(ref reader));
            }

            result = items.ToArray();
        }

        reader.ExitNested();
        return result;
    }
}

/// <summary>Formatter for <see cref="List{T}"/>.</summary>
public sealed class ListFormatter<T> : WireFormatter<List<T>?>
{
    public override void Write(ref WireWriter writer, List<T>? value)
    {
        if (value is null)
        {
            writer.WriteVarUInt32(0);
            return;
        }

        writer.WriteVarUInt32((uint)value.Count + 1);
        ReadOnlySpan<T> items = CollectionsMarshal.AsSpan(value);
        if (RawElements<T>.Enabled)
        {
            writer.WriteRaw(RawElements<T>.AsBytes(items));
            return;
        }

        IWireFormatter<T> element = writer.Context.Registry.GetFormatter<T>();
        for (int i = 0; i < items.Length; i++)
        {
            element.Write(ref writer, items[i]);
        }
    }

    public override List<T>? Read(ref WireReader reader)
    {
        int count = reader.ReadLengthPrefix("list");
        if (count < 0)
        {
            return null;
        }

        if (RawElements<T>.Enabled)
        {
            RawElements<T>.CheckFits(ref reader, count, "list");
            var raw = new List<T>(count);
            CollectionsMarshal.SetCount(raw, count);
            reader.ReadRaw(RawElements<T>.AsWritableBytes(CollectionsMarshal.AsSpan(raw)));
            return raw;
        }

        reader.EnterNested();
        int capacity = CollectionSizing.InitialCapacity(count, reader.Remaining, Unsafe.SizeOf<T>());
        var result = new List<T>(capacity);
        IWireFormatter<T> element = reader.Context.Registry.GetFormatter<T>();
        if (capacity == count)
        {
            // Room for every element: fill the list's array in place rather than through Add.
            CollectionsMarshal.SetCount(result, count);
            Span<T> items = CollectionsMarshal.AsSpan(result);
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = element.Read(ref reader);
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                result.Add(element.Read(ref reader));
            }
        }

        reader.ExitNested();
        return result;
    }
}

/// <summary>Formatter for <see cref="HashSet{T}"/> (default comparer).</summary>
public sealed class HashSetFormatter<T> : WireFormatter<HashSet<T>?>
{
    public override void Write(ref WireWriter writer, HashSet<T>? value)
    {
        if (value is null)
        {
            writer.WriteVarUInt32(0);
            return;
        }

        writer.WriteVarUInt32((uint)value.Count + 1);
        IWireFormatter<T> element = writer.Context.Registry.GetFormatter<T>();
        foreach (T item in value)
        {
            element.Write(ref writer, item);
        }
    }

    public override HashSet<T>? Read(ref WireReader reader)
    {
        int count = reader.ReadLengthPrefix("set");
        if (count < 0)
        {
            return null;
        }

        reader.EnterNested();
        var result = new HashSet<T>(CollectionSizing.InitialCapacity(count, reader.Remaining, CollectionSizing.HashEntry(Unsafe.SizeOf<T>())));
        IWireFormatter<T> element = reader.Context.Registry.GetFormatter<T>();
        for (int i = 0; i < count; i++)
        {
            if (!result.Add(element.Read(ref reader)))
            {
                throw new WireFormatException("A set contains a duplicate element.");
            }
        }

        reader.ExitNested();
        return result;
    }
}

/// <summary>Formatter for <see cref="Dictionary{TKey, TValue}"/> (default comparer); keys must not repeat.</summary>
public sealed class DictionaryFormatter<TKey, TValue> : WireFormatter<Dictionary<TKey, TValue>?>
    where TKey : notnull
{
    public override void Write(ref WireWriter writer, Dictionary<TKey, TValue>? value)
    {
        if (value is null)
        {
            writer.WriteVarUInt32(0);
            return;
        }

        writer.WriteVarUInt32((uint)value.Count + 1);
        IWireFormatter<TKey> keys = writer.Context.Registry.GetFormatter<TKey>();
        IWireFormatter<TValue> values = writer.Context.Registry.GetFormatter<TValue>();
        foreach (KeyValuePair<TKey, TValue> pair in value)
        {
            keys.Write(ref writer, pair.Key);
            values.Write(ref writer, pair.Value);
        }
    }

    public override Dictionary<TKey, TValue>? Read(ref WireReader reader)
    {
        int count = reader.ReadLengthPrefix("dictionary", 2);
        if (count < 0)
        {
            return null;
        }

        reader.EnterNested();
        var result = new Dictionary<TKey, TValue>(
            CollectionSizing.InitialCapacity(count, reader.Remaining, CollectionSizing.HashEntry(Unsafe.SizeOf<TKey>() + Unsafe.SizeOf<TValue>())));
        IWireFormatter<TKey> keys = reader.Context.Registry.GetFormatter<TKey>();
        IWireFormatter<TValue> values = reader.Context.Registry.GetFormatter<TValue>();
        for (int i = 0; i < count; i++)
        {
            TKey key = keys.Read(ref reader) ?? throw new WireFormatException("A dictionary key is null.");
            if (!result.TryAdd(key, values.Read(ref reader)))
            {
                throw new WireFormatException("A dictionary contains a duplicate key.");
            }
        }

        reader.ExitNested();
        return result;
    }
}

/// <summary>Formatter for <see cref="Nullable{T}"/>: a presence byte, then the value.</summary>
public sealed class NullableFormatter<T> : WireFormatter<T?>
    where T : struct
{
    public override void Write(ref WireWriter writer, T? value)
    {
        writer.WriteBool(value.HasValue);
        if (value.HasValue)
        {
            writer.Context.Registry.GetFormatter<T>().Write(ref writer, value.GetValueOrDefault());
        }
    }

    public override T? Read(ref WireReader reader) =>
        reader.ReadBool() ? reader.Context.Registry.GetFormatter<T>().Read(ref reader) : null;
}

/// <summary>Formatter for enums: the underlying value as a zig-zag varint; undefined values are kept as they are.</summary>
public sealed class EnumFormatter<TEnum> : WireFormatter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>The underlying type; a static readonly value, so the tiered JIT folds the switches below to one case.</summary>
    private static readonly TypeCode Code = Type.GetTypeCode(typeof(TEnum));

    public override void Write(ref WireWriter writer, TEnum value) => writer.WriteVarInt64(ToInt64(value));

    public override TEnum Read(ref WireReader reader)
    {
        long raw = reader.ReadVarInt64();
        try
        {
            return FromInt64(raw);
        }
        catch (OverflowException ex)
        {
            throw new WireFormatException($"Value {raw} does not fit in enum {typeof(TEnum).Name}.", ex);
        }
    }

    private static long ToInt64(TEnum value) => Code switch
    {
        TypeCode.Byte => System.Runtime.CompilerServices.Unsafe.As<TEnum, byte>(ref value),
        TypeCode.SByte => System.Runtime.CompilerServices.Unsafe.As<TEnum, sbyte>(ref value),
        TypeCode.Int16 => System.Runtime.CompilerServices.Unsafe.As<TEnum, short>(ref value),
        TypeCode.UInt16 => System.Runtime.CompilerServices.Unsafe.As<TEnum, ushort>(ref value),
        TypeCode.Int32 => System.Runtime.CompilerServices.Unsafe.As<TEnum, int>(ref value),
        TypeCode.UInt32 => System.Runtime.CompilerServices.Unsafe.As<TEnum, uint>(ref value),
        TypeCode.Int64 => System.Runtime.CompilerServices.Unsafe.As<TEnum, long>(ref value),
        _ => (long)System.Runtime.CompilerServices.Unsafe.As<TEnum, ulong>(ref value),
    };

    private static TEnum FromInt64(long raw)
    {
        switch (Code)
        {
            case TypeCode.Byte: { byte v = checked((byte)raw); return System.Runtime.CompilerServices.Unsafe.As<byte, TEnum>(ref v); }
            case TypeCode.SByte: { sbyte v = checked((sbyte)raw); return System.Runtime.CompilerServices.Unsafe.As<sbyte, TEnum>(ref v); }
            case TypeCode.Int16: { short v = checked((short)raw); return System.Runtime.CompilerServices.Unsafe.As<short, TEnum>(ref v); }
            case TypeCode.UInt16: { ushort v = checked((ushort)raw); return System.Runtime.CompilerServices.Unsafe.As<ushort, TEnum>(ref v); }
            case TypeCode.Int32: { int v = checked((int)raw); return System.Runtime.CompilerServices.Unsafe.As<int, TEnum>(ref v); }
            case TypeCode.UInt32: { uint v = checked((uint)raw); return System.Runtime.CompilerServices.Unsafe.As<uint, TEnum>(ref v); }
            case TypeCode.Int64: return System.Runtime.CompilerServices.Unsafe.As<long, TEnum>(ref raw);
            default: { ulong v = (ulong)raw; return System.Runtime.CompilerServices.Unsafe.As<ulong, TEnum>(ref v); }
        }
    }
}
#pragma warning restore CS1591
