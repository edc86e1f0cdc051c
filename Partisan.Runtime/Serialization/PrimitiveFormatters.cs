namespace Partisan.Serialization;

#pragma warning disable CS1591 // formatter members are documented on the interface

/// <summary>Formatter for <see cref="bool"/>.</summary>
public sealed class BoolFormatter : WireFormatter<bool>
{
    public override void Write(ref WireWriter writer, bool value) => writer.WriteBool(value);

    public override bool Read(ref WireReader reader) => reader.ReadBool();
}

/// <summary>Formatter for <see cref="byte"/>.</summary>
public sealed class ByteFormatter : WireFormatter<byte>
{
    public override void Write(ref WireWriter writer, byte value) => writer.WriteByte(value);

    public override byte Read(ref WireReader reader) => reader.ReadByte();
}

/// <summary>Formatter for <see cref="sbyte"/>.</summary>
public sealed class SByteFormatter : WireFormatter<sbyte>
{
    public override void Write(ref WireWriter writer, sbyte value) => writer.WriteByte((byte)value);

    public override sbyte Read(ref WireReader reader) => (sbyte)reader.ReadByte();
}

/// <summary>Formatter for <see cref="short"/> (zig-zag varint).</summary>
public sealed class Int16Formatter : WireFormatter<short>
{
    public override void Write(ref WireWriter writer, short value) => writer.WriteVarInt32(value);

    public override short Read(ref WireReader reader)
    {
        int v = reader.ReadVarInt32();
        return v is >= short.MinValue and <= short.MaxValue ? (short)v : throw new WireFormatException($"Value {v} does not fit in an Int16.");
    }
}

/// <summary>Formatter for <see cref="ushort"/> (varint).</summary>
public sealed class UInt16Formatter : WireFormatter<ushort>
{
    public override void Write(ref WireWriter writer, ushort value) => writer.WriteVarUInt32(value);

    public override ushort Read(ref WireReader reader)
    {
        uint v = reader.ReadVarUInt32();
        return v <= ushort.MaxValue ? (ushort)v : throw new WireFormatException($"Value {v} does not fit in a UInt16.");
    }
}

/// <summary>Formatter for <see cref="int"/> (zig-zag varint).</summary>
public sealed class Int32Formatter : WireFormatter<int>
{
    public override void Write(ref WireWriter writer, int value) => writer.WriteVarInt32(value);

    public override int Read(ref WireReader reader) => reader.ReadVarInt32();
}

/// <summary>Formatter for <see cref="uint"/> (varint).</summary>
public sealed class UInt32Formatter : WireFormatter<uint>
{
    public override void Write(ref WireWriter writer, uint value) => writer.WriteVarUInt32(value);

    public override uint Read(ref WireReader reader) => reader.ReadVarUInt32();
}

/// <summary>Formatter for <see cref="long"/> (zig-zag varint).</summary>
public sealed class Int64Formatter : WireFormatter<long>
{
    public override void Write(ref WireWriter writer, long value) => writer.WriteVarInt64(value);

    public override long Read(ref WireReader reader) => reader.ReadVarInt64();
}

/// <summary>Formatter for <see cref="ulong"/> (varint).</summary>
public sealed class UInt64Formatter : WireFormatter<ulong>
{
    public override void Write(ref WireWriter writer, ulong value) => writer.WriteVarUInt64(value);

    public override ulong Read(ref WireReader reader) => reader.ReadVarUInt64();
}

/// <summary>Formatter for <see cref="float"/>.</summary>
public sealed class SingleFormatter : WireFormatter<float>
{
    public override void Write(ref WireWriter writer, float value) => writer.WriteSingle(value);

    public override float Read(ref WireReader reader) => reader.ReadSingle();
}

/// <summary>Formatter for <see cref="double"/>.</summary>
public sealed class DoubleFormatter : WireFormatter<double>
{
    public override void Write(ref WireWriter writer, double value) => writer.WriteDouble(value);

    public override double Read(ref WireReader reader) => reader.ReadDouble();
}

/// <summary>Formatter for <see cref="decimal"/>.</summary>
public sealed class DecimalFormatter : WireFormatter<decimal>
{
    public override void Write(ref WireWriter writer, decimal value) => writer.WriteDecimal(value);

    public override decimal Read(ref WireReader reader) => reader.ReadDecimal();
}

/// <summary>Formatter for <see cref="char"/> (UTF-16 code unit as varint).</summary>
public sealed class CharFormatter : WireFormatter<char>
{
    public override void Write(ref WireWriter writer, char value) => writer.WriteVarUInt32(value);

    public override char Read(ref WireReader reader)
    {
        uint v = reader.ReadVarUInt32();
        return v <= char.MaxValue ? (char)v : throw new WireFormatException($"Value {v} is not a UTF-16 code unit.");
    }
}

/// <summary>Formatter for <see cref="string"/> (UTF-8, null allowed).</summary>
public sealed class StringFormatter : WireFormatter<string?>
{
    public override void Write(ref WireWriter writer, string? value) => writer.WriteString(value);

    public override string? Read(ref WireReader reader) => reader.ReadString();
}

/// <summary>Formatter for byte arrays (null allowed).</summary>
public sealed class ByteArrayFormatter : WireFormatter<byte[]?>
{
    public override void Write(ref WireWriter writer, byte[]? value) => writer.WriteBytes(value);

    public override byte[]? Read(ref WireReader reader) => reader.ReadBytes();
}

/// <summary>Formatter for <see cref="ReadOnlyMemory{T}"/> of bytes.</summary>
public sealed class ReadOnlyMemoryFormatter : WireFormatter<ReadOnlyMemory<byte>>
{
    public override void Write(ref WireWriter writer, ReadOnlyMemory<byte> value) => writer.WriteBytes(value.Span);

    public override ReadOnlyMemory<byte> Read(ref WireReader reader) => reader.ReadBytes() ?? ReadOnlyMemory<byte>.Empty;
}

/// <summary>Formatter for <see cref="Guid"/>.</summary>
public sealed class GuidFormatter : WireFormatter<Guid>
{
    public override void Write(ref WireWriter writer, Guid value) => writer.WriteGuid(value);

    public override Guid Read(ref WireReader reader) => reader.ReadGuid();
}

/// <summary>Formatter for <see cref="DateTime"/> (ticks and kind, exact).</summary>
public sealed class DateTimeFormatter : WireFormatter<DateTime>
{
    public override void Write(ref WireWriter writer, DateTime value) => writer.WriteInt64(value.ToBinary());

    public override DateTime Read(ref WireReader reader)
    {
        long binary = reader.ReadInt64();
        try
        {
            return DateTime.FromBinary(binary);
        }
        catch (ArgumentException ex)
        {
            throw new WireFormatException("Invalid DateTime.", ex);
        }
    }
}

/// <summary>Formatter for <see cref="DateTimeOffset"/> (ticks and offset minutes).</summary>
public sealed class DateTimeOffsetFormatter : WireFormatter<DateTimeOffset>
{
    public override void Write(ref WireWriter writer, DateTimeOffset value)
    {
        writer.WriteInt64(value.Ticks);
        writer.WriteVarInt32((int)(value.Offset.Ticks / TimeSpan.TicksPerMinute));
    }

    public override DateTimeOffset Read(ref WireReader reader)
    {
        long ticks = reader.ReadInt64();
        int minutes = reader.ReadVarInt32();
        try
        {
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
        }
        catch (ArgumentException ex)
        {
            throw new WireFormatException("Invalid DateTimeOffset.", ex);
        }
    }
}

/// <summary>Formatter for <see cref="TimeSpan"/> (ticks).</summary>
public sealed class TimeSpanFormatter : WireFormatter<TimeSpan>
{
    public override void Write(ref WireWriter writer, TimeSpan value) => writer.WriteVarInt64(value.Ticks);

    public override TimeSpan Read(ref WireReader reader) => new(reader.ReadVarInt64());
}

/// <summary>Formatter for polymorphic members of static type <see cref="object"/>: each value carries its type descriptor.</summary>
public sealed class ObjectFormatter : WireFormatter<object?>
{
    public override void Write(ref WireWriter writer, object? value) => writer.WriteObject(value);

    public override object? Read(ref WireReader reader) => reader.ReadObject();
}
#pragma warning restore CS1591
