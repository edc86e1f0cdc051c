using System.Buffers.Binary;
using System.Text;

namespace Partisan.Serialization;

/// <summary>
/// Writes the Partisan binary encoding into a <see cref="WireBuffer"/>. A <c>ref struct</c> that keeps
/// the current span and asks the buffer for more only when it runs out. Integers are varints
/// (zig-zag for signed), strings are UTF-8 with a varint length, objects are length-prefixed so
/// an older reader can skip members it does not know. Call <see cref="Flush"/> when done.
/// </summary>
public ref struct WireWriter
{
    private readonly WireBuffer _buffer;
    private Span<byte> _span;
    private int _pos;
    private int _depth;

    /// <summary>Starts writing at the end of <paramref name="buffer"/>.</summary>
    public WireWriter(WireBuffer buffer, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(context);
        _buffer = buffer;
        Context = context;
        _span = default;
        _pos = 0;
        _depth = 0;
    }

    /// <summary>The registry and options in force.</summary>
    public WireContext Context { get; }

    /// <summary>Absolute number of bytes written to the buffer, including unflushed ones.</summary>
    public readonly long Position => _buffer.WrittenCount + _pos;

    /// <summary>Commits the bytes written so far to the buffer.</summary>
    public void Flush()
    {
        if (_pos > 0)
        {
            _buffer.Advance(_pos);
        }

        _span = default;
        _pos = 0;
    }

    private Span<byte> Take(int count)
    {
        if (_span.Length - _pos < count)
        {
            Flush();
            _span = _buffer.GetSpan(count);
        }

        Span<byte> result = _span.Slice(_pos, count);
        _pos += count;
        return result;
    }

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value) => Take(1)[0] = value;

    /// <summary>Writes a boolean as one byte.</summary>
    public void WriteBool(bool value) => Take(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>Writes an unsigned varint (1-5 bytes).</summary>
    public void WriteVarUInt32(uint value)
    {
        if (_span.Length - _pos < 5)
        {
            Flush();
            _span = _buffer.GetSpan(5);
        }

        while (value >= 0x80)
        {
            _span[_pos++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _span[_pos++] = (byte)value;
    }

    /// <summary>Writes an unsigned varint (1-10 bytes).</summary>
    public void WriteVarUInt64(ulong value)
    {
        if (_span.Length - _pos < 10)
        {
            Flush();
            _span = _buffer.GetSpan(10);
        }

        while (value >= 0x80)
        {
            _span[_pos++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _span[_pos++] = (byte)value;
    }

    /// <summary>Writes a signed varint with zig-zag encoding.</summary>
    public void WriteVarInt32(int value) => WriteVarUInt32((uint)((value << 1) ^ (value >> 31)));

    /// <summary>Writes a signed varint with zig-zag encoding.</summary>
    public void WriteVarInt64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes 2 bytes, little-endian.</summary>
    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Take(2), value);

    /// <summary>Writes 4 bytes, little-endian.</summary>
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    /// <summary>Writes 8 bytes, little-endian.</summary>
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    /// <summary>Writes an IEEE single, little-endian.</summary>
    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Take(4), value);

    /// <summary>Writes an IEEE double, little-endian.</summary>
    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    /// <summary>Writes a decimal as its four 32-bit parts.</summary>
    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        Span<byte> target = Take(16);
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(target[(i * 4)..], bits[i]);
        }
    }

    /// <summary>Writes a GUID (16 bytes).</summary>
    public void WriteGuid(Guid value)
    {
        if (!value.TryWriteBytes(Take(16)))
        {
            throw new InvalidOperationException("Guid did not fit in 16 bytes.");
        }
    }

    /// <summary>
    /// Writes a string: varint (UTF-8 length + 1), 0 meaning null, then the UTF-8 bytes. An unpaired surrogate,
    /// which UTF-8 cannot represent, is written as U+FFFD, so such a string does not round-trip exactly.
    /// </summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarUInt32(0);
            return;
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            // Fast path: encode into a stack buffer, then copy once with the exact length prefix.
            Span<byte> scratch = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(value, scratch);
            WriteVarUInt32((uint)n + 1);
            scratch[..n].CopyTo(Take(n));
            return;
        }

        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt32((uint)byteCount + 1);
        Encoding.UTF8.GetBytes(value, Take(byteCount));
    }

    /// <summary>Writes a byte array: varint (length + 1), 0 meaning null, then the bytes.</summary>
    public void WriteBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteVarUInt32(0);
            return;
        }

        WriteBytes(value.AsSpan());
    }

    /// <summary>Writes a non-null byte sequence: varint (length + 1), then the bytes.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> value)
    {
        WriteVarUInt32((uint)value.Length + 1);
        WriteRaw(value);
    }

    /// <summary>Writes bytes with no length prefix.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> value)
    {
        while (value.Length > 0)
        {
            if (_span.Length - _pos == 0)
            {
                Flush();
                _span = _buffer.GetSpan(Math.Min(value.Length, 64 * 1024));
            }

            int n = Math.Min(value.Length, _span.Length - _pos);
            value[..n].CopyTo(_span[_pos..]);
            _pos += n;
            value = value[n..];
        }
    }

    /// <summary>
    /// Starts a length-prefixed object with <paramref name="memberCount"/> members. Pair with
    /// <see cref="EndObject"/>. The prefix lets a reader that knows fewer members skip the rest.
    /// </summary>
    public WireObjectScope BeginObject(int memberCount)
    {
        if (++_depth > Context.MaxDepth)
        {
            throw new WireFormatException($"Object nesting deeper than {Context.MaxDepth} levels while writing.");
        }

        Take(4); // the length slot, filled in by EndObject
        long start = Position;
        WriteVarUInt32((uint)memberCount);
        return new WireObjectScope(start);
    }

    /// <summary>Ends an object started with <see cref="BeginObject"/>, filling in its length.</summary>
    public void EndObject(WireObjectScope scope)
    {
        _depth--;
        long length = Position - scope.Start;
        if (length > int.MaxValue)
        {
            throw new WireFormatException("An object is larger than 2 GiB.");
        }

        Span<byte> slot = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(slot, (int)length);
        long slotPosition = scope.Start - 4;
        long flushed = _buffer.WrittenCount;
        if (slotPosition >= flushed)
        {
            slot.CopyTo(_span[(int)(slotPosition - flushed)..]);
        }
        else
        {
            Flush();
            _buffer.Patch(slotPosition, slot);
        }
    }

    /// <summary>Writes a value of static type <typeparamref name="T"/> with its registered formatter (no type id).</summary>
    public void Write<T>(T value) => Context.Registry.GetFormatter<T>().Write(ref this, value);

    /// <summary>Writes any value with its type descriptor, so the reader can rebuild it without knowing the type (0 = null).</summary>
    /// <exception cref="TypeRegistrationException">
    /// The value's type cannot be sent (see <see cref="TypeRegistry.CanSend"/>). Nothing has been written then,
    /// so this writer can go on with other values.
    /// </exception>
    public void WriteObject(object? value)
    {
        if (value is null)
        {
            WriteVarUInt32(WireTypeIds.Null);
            return;
        }

        if (_depth >= Context.MaxDepth)
        {
            throw new WireFormatException($"Object nesting deeper than {Context.MaxDepth} levels while writing.");
        }

        IWireFormatter formatter = Context.Registry.WriteTypeDescriptor(ref this, value.GetType());
        _depth++;
        formatter.WriteObject(ref this, value);
        _depth--;
    }
}

/// <summary>Marks the start of a length-prefixed object; returned by <see cref="WireWriter.BeginObject"/>.</summary>
/// <param name="Start">Absolute position just after the length slot.</param>
public readonly record struct WireObjectScope(long Start);
