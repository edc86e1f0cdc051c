using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Partisan.Serialization;

/// <summary>
/// Reads the Partisan binary encoding from a <see cref="ReadOnlySequence{T}"/>. Never trusts the
/// input: every length is checked against the bytes that remain, nesting is bounded by
/// <see cref="WireContext.MaxDepth"/>, and any violation throws <see cref="WireFormatException"/>.
/// </summary>
public ref struct WireReader
{
    private SequenceReader<byte> _reader;
    private int _depth;

    /// <summary>Reads <paramref name="data"/> with the registry and options of <paramref name="context"/>.</summary>
    public WireReader(ReadOnlySequence<byte> data, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _reader = new SequenceReader<byte>(data);
        Context = context;
        _depth = 0;
    }

    /// <summary>Reads <paramref name="data"/> with the registry and options of <paramref name="context"/>.</summary>
    public WireReader(ReadOnlyMemory<byte> data, WireContext context)
        : this(new ReadOnlySequence<byte>(data), context)
    {
    }

    /// <summary>The registry and options in force.</summary>
    public WireContext Context { get; }

    /// <summary>Bytes consumed so far.</summary>
    public readonly long Consumed => _reader.Consumed;

    /// <summary>Bytes not yet read.</summary>
    public readonly long Remaining => _reader.Remaining;

    /// <summary>True when all bytes have been read.</summary>
    public readonly bool End => _reader.End;

    /// <summary>The bytes not yet read (valid as long as the data given to the reader is).</summary>
    public readonly ReadOnlySequence<byte> UnreadSequence => _reader.UnreadSequence;

    private static WireFormatException Truncated(string what) =>
        new($"Unexpected end of data while reading {what}.");

    /// <summary>Reads one byte.</summary>
    public byte ReadByte() => _reader.TryRead(out byte b) ? b : throw Truncated("a byte");

    /// <summary>Reads a boolean (0 or 1).</summary>
    public bool ReadBool()
    {
        byte b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new WireFormatException($"Invalid boolean byte 0x{b:X2}."),
        };
    }

    /// <summary>Reads an unsigned varint of at most 5 bytes.</summary>
    public uint ReadVarUInt32()
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (!_reader.TryRead(out byte b))
            {
                throw Truncated("a varint");
            }

            if (shift == 28 && b > 0x0F)
            {
                throw new WireFormatException("A 32-bit varint overflows.");
            }

            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new WireFormatException("A 32-bit varint is longer than 5 bytes.");
    }

    /// <summary>Reads an unsigned varint of at most 10 bytes.</summary>
    public ulong ReadVarUInt64()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (!_reader.TryRead(out byte b))
            {
                throw Truncated("a varint");
            }

            if (shift == 63 && b > 0x01)
            {
                throw new WireFormatException("A 64-bit varint overflows.");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new WireFormatException("A 64-bit varint is longer than 10 bytes.");
    }

    /// <summary>Reads a zig-zag signed varint.</summary>
    public int ReadVarInt32()
    {
        uint v = ReadVarUInt32();
        return (int)(v >> 1) ^ -(int)(v & 1);
    }

    /// <summary>Reads a zig-zag signed varint.</summary>
    public long ReadVarInt64()
    {
        ulong v = ReadVarUInt64();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Reads 2 bytes, little-endian.</summary>
    public short ReadInt16() => _reader.TryReadLittleEndian(out short v) ? v : throw Truncated("an int16");

    /// <summary>Reads 4 bytes, little-endian.</summary>
    public int ReadInt32() => _reader.TryReadLittleEndian(out int v) ? v : throw Truncated("an int32");

    /// <summary>Reads 8 bytes, little-endian.</summary>
    public long ReadInt64() => _reader.TryReadLittleEndian(out long v) ? v : throw Truncated("an int64");

    /// <summary>Reads an IEEE single.</summary>
    public float ReadSingle() => BitConverter.Int32BitsToSingle(ReadInt32());

    /// <summary>Reads an IEEE double.</summary>
    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Reads a decimal written by <see cref="WireWriter.WriteDecimal"/>.</summary>
    public decimal ReadDecimal()
    {
        Span<int> bits = stackalloc int[4];
        for (int i = 0; i < 4; i++)
        {
            bits[i] = ReadInt32();
        }

        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException ex)
        {
            throw new WireFormatException("Invalid decimal bits.", ex);
        }
    }

    /// <summary>Reads a GUID.</summary>
    public Guid ReadGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!_reader.TryCopyTo(bytes))
        {
            throw Truncated("a Guid");
        }

        _reader.Advance(16);
        return new Guid(bytes);
    }

    /// <summary>Reads a length prefix written as varint (n + 1), checking it against the bytes left. Returns -1 for null.</summary>
    public int ReadLengthPrefix(string what, int minBytesPerItem = 1)
    {
        uint raw = ReadVarUInt32();
        if (raw == 0)
        {
            return -1;
        }

        long length = raw - 1L;
        if (length * Math.Max(1, minBytesPerItem) > _reader.Remaining || length > Array.MaxLength)
        {
            throw new WireFormatException($"Declared {what} length {length} exceeds the {_reader.Remaining} bytes remaining.");
        }

        return (int)length;
    }

    /// <summary>Reads a count (plain varint) and checks it is plausible for the bytes left.</summary>
    public int ReadCount(string what, int minBytesPerItem = 1)
    {
        uint count = ReadVarUInt32();
        if (count > 0 && ((long)count * Math.Max(1, minBytesPerItem) > _reader.Remaining || count > Array.MaxLength))
        {
            throw new WireFormatException($"Declared {what} count {count} exceeds the {_reader.Remaining} bytes remaining.");
        }

        return (int)count;
    }

    /// <summary>Reads a string written by <see cref="WireWriter.WriteString"/>.</summary>
    public string? ReadString()
    {
        int length = ReadLengthPrefix("string");
        if (length < 0)
        {
            return null;
        }

        if (length == 0)
        {
            return string.Empty;
        }

        ReadOnlySpan<byte> unread = _reader.UnreadSpan;
        string result;
        try
        {
            if (unread.Length >= length)
            {
                result = Utf8.GetString(unread[..length]);
            }
            else
            {
                byte[] rented = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    _reader.TryCopyTo(rented.AsSpan(0, length));
                    result = Utf8.GetString(rented.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireFormatException("A string is not valid UTF-8.", ex);
        }

        _reader.Advance(length);
        return result;
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a byte array written by <see cref="WireWriter.WriteBytes(byte[])"/>.</summary>
    public byte[]? ReadBytes()
    {
        int length = ReadLengthPrefix("byte array");
        if (length < 0)
        {
            return null;
        }

        // Every byte is overwritten at once (or the array is dropped when the input is short), so it need not be zeroed
        // first: for a large payload that is a pass over megabytes the reader loop no longer makes.
        byte[] result = length == 0 ? Array.Empty<byte>() : GC.AllocateUninitializedArray<byte>(length);
        ReadRaw(result);
        return result;
    }

    /// <summary>Fills <paramref name="destination"/> with the next bytes.</summary>
    public void ReadRaw(scoped Span<byte> destination)
    {
        if (!_reader.TryCopyTo(destination))
        {
            throw Truncated("raw bytes");
        }

        _reader.Advance(destination.Length);
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(long count)
    {
        if (count > _reader.Remaining)
        {
            throw Truncated("skipped bytes");
        }

        _reader.Advance(count);
    }

    /// <summary>
    /// Starts reading a length-prefixed object. <paramref name="memberCount"/> is how many members the
    /// writer wrote: read the ones you know (in order), then call <see cref="EndObject"/>, which skips the rest.
    /// </summary>
    public WireObjectScope BeginObject(out int memberCount)
    {
        if (++_depth > Context.MaxDepth)
        {
            throw new WireFormatException($"Object nesting deeper than {Context.MaxDepth} levels.");
        }

        int length = ReadInt32();
        if (length < 0 || length > _reader.Remaining)
        {
            throw new WireFormatException($"Object length {length} exceeds the {_reader.Remaining} bytes remaining.");
        }

        long start = _reader.Consumed;
        uint members = ReadVarUInt32();
        if (members > int.MaxValue)
        {
            throw new WireFormatException($"An object's member count {members} is out of range.");
        }

        memberCount = (int)members;
        return new WireObjectScope(start + length);
    }

    /// <summary>Ends an object, skipping members this reader does not know.</summary>
    public void EndObject(WireObjectScope scope)
    {
        _depth--;
        long end = scope.Start; // for a reader the scope holds the end position
        if (_reader.Consumed > end)
        {
            throw new WireFormatException("An object's members ran past its declared length.");
        }

        _reader.Advance(end - _reader.Consumed);
    }

    /// <summary>Reads a value of static type <typeparamref name="T"/> with its registered formatter.</summary>
    public T Read<T>() => Context.Registry.GetFormatter<T>().Read(ref this);

    /// <summary>Reads a value written by <see cref="WireWriter.WriteObject"/>.</summary>
    public object? ReadObject()
    {
        if (++_depth > Context.MaxDepth)
        {
            throw new WireFormatException($"Object nesting deeper than {Context.MaxDepth} levels.");
        }

        IWireFormatter? formatter = Context.Registry.ReadTypeDescriptor(ref this);
        object? result = formatter?.ReadObject(ref this);
        _depth--;
        return result;
    }

    /// <summary>Tracks nesting for formatters of recursive collections.</summary>
    internal void EnterNested()
    {
        if (++_depth > Context.MaxDepth)
        {
            throw new WireFormatException($"Object nesting deeper than {Context.MaxDepth} levels.");
        }
    }

    /// <summary>Ends a level entered with <see cref="EnterNested"/>.</summary>
    internal void ExitNested() => _depth--;
}
