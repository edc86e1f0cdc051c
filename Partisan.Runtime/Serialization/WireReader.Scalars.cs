using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Partisan.Serialization;

/// <content>
/// Reads of single values. Each checks once that the current span holds the whole value and reads it from there; a
/// value split between segments (or cut short) goes through a slow path that copies it byte by byte or throws
/// <see cref="WireFormatException"/>.
/// </content>
public ref partial struct WireReader
{
    /// <summary>Arrays at least this long are allocated without zeroing: every byte is copied in at once.</summary>
    private const int UninitializedArrayThreshold = 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads one byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        int pos = _pos;
        ReadOnlySpan<byte> span = _span;
        if ((uint)pos < (uint)span.Length)
        {
            _pos = pos + 1;
            return span[pos];
        }

        return ReadByteSlow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private byte ReadByteSlow() => NextSegment() ? _span[_pos++] : throw Truncated("a byte");

    /// <summary>Reads a boolean (0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadBool()
    {
        byte b = ReadByte();
        return b <= 1 ? b == 1 : ThrowInvalidBool(b);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ThrowInvalidBool(byte b) => throw new WireFormatException($"Invalid boolean byte 0x{b:X2}.");

    /// <summary>Reads an unsigned varint of at most 5 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadVarUInt32()
    {
        int pos = _pos;
        ReadOnlySpan<byte> span = _span;
        if ((uint)pos < (uint)span.Length)
        {
            uint first = span[pos];
            if (first < 0x80)
            {
                _pos = pos + 1;
                return first;
            }
        }

        return ReadVarUInt32Long();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint ReadVarUInt32Long()
    {
        if (_span.Length - _pos >= 5)
        {
            // The longest varint fits in the span: no segment checks per byte.
            ReadOnlySpan<byte> span = _span.Slice(_pos, 5);
            uint value = 0;
            for (int i = 0; i < 5; i++)
            {
                uint b = span[i];
                value |= (b & 0x7F) << (7 * i);
                if (b < 0x80)
                {
                    if (i == 4 && b > 0x0F)
                    {
                        throw new WireFormatException("A 32-bit varint overflows.");
                    }

                    _pos += i + 1;
                    return value;
                }
            }

            throw new WireFormatException(span[4] > 0x0F ? "A 32-bit varint overflows." : "A 32-bit varint is longer than 5 bytes.");
        }

        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = _pos < _span.Length ? _span[_pos++] : NextSegment() ? _span[_pos++] : throw Truncated("a varint");
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarUInt64()
    {
        int pos = _pos;
        ReadOnlySpan<byte> span = _span;
        if ((uint)pos < (uint)span.Length)
        {
            ulong first = span[pos];
            if (first < 0x80)
            {
                _pos = pos + 1;
                return first;
            }
        }

        return ReadVarUInt64Long();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong ReadVarUInt64Long()
    {
        if (_span.Length - _pos >= 10)
        {
            // The longest varint fits in the span: no segment checks per byte.
            ReadOnlySpan<byte> span = _span.Slice(_pos, 10);
            ulong value = 0;
            for (int i = 0; i < 10; i++)
            {
                ulong b = span[i];
                value |= (b & 0x7F) << (7 * i);
                if (b < 0x80)
                {
                    if (i == 9 && b > 0x01)
                    {
                        throw new WireFormatException("A 64-bit varint overflows.");
                    }

                    _pos += i + 1;
                    return value;
                }
            }

            throw new WireFormatException(span[9] > 0x01 ? "A 64-bit varint overflows." : "A 64-bit varint is longer than 10 bytes.");
        }

        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = _pos < _span.Length ? _span[_pos++] : NextSegment() ? _span[_pos++] : throw Truncated("a varint");
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadVarInt32()
    {
        uint v = ReadVarUInt32();
        return (int)(v >> 1) ^ -(int)(v & 1);
    }

    /// <summary>Reads a zig-zag signed varint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadVarInt64()
    {
        ulong v = ReadVarUInt64();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Reads the bytes of an unmanaged <typeparamref name="T"/> as stored; the caller orders them (little-endian on the wire).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T ReadFixed<T>(string what)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        int pos = _pos;
        if (_span.Length - pos >= size)
        {
            _pos = pos + size;
            return Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), pos));
        }

        return ReadFixedSlow<T>(what);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private T ReadFixedSlow<T>(string what)
        where T : unmanaged
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes = bytes[..Unsafe.SizeOf<T>()];
        if (Remaining < bytes.Length)
        {
            throw Truncated(what);
        }

        ReadRaw(bytes);
        return MemoryMarshal.Read<T>(bytes);
    }

    /// <summary>Reads 2 bytes, little-endian.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public short ReadInt16()
    {
        short v = ReadFixed<short>("an int16");
        return BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    }

    /// <summary>Reads 4 bytes, little-endian.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt32()
    {
        int v = ReadFixed<int>("an int32");
        return BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    }

    /// <summary>Reads 8 bytes, little-endian.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadInt64()
    {
        long v = ReadFixed<long>("an int64");
        return BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    }

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
        int pos = _pos;
        if (_span.Length - pos >= 16)
        {
            _pos = pos + 16;
            return new Guid(_span.Slice(pos, 16));
        }

        Span<byte> bytes = stackalloc byte[16];
        if (Remaining < 16)
        {
            throw Truncated("a Guid");
        }

        ReadRaw(bytes);
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
        if (length * Math.Max(1, minBytesPerItem) > Remaining || length > Array.MaxLength)
        {
            throw new WireFormatException($"Declared {what} length {length} exceeds the {Remaining} bytes remaining.");
        }

        return (int)length;
    }

    /// <summary>Reads a count (plain varint) and checks it is plausible for the bytes left.</summary>
    public int ReadCount(string what, int minBytesPerItem = 1)
    {
        uint count = ReadVarUInt32();
        if (count > 0 && ((long)count * Math.Max(1, minBytesPerItem) > Remaining || count > Array.MaxLength))
        {
            throw new WireFormatException($"Declared {what} count {count} exceeds the {Remaining} bytes remaining.");
        }

        return (int)count;
    }

    /// <summary>Reads a string written by <see cref="WireWriter.WriteString"/>.</summary>
    public string? ReadString()
    {
        int length = ReadLengthPrefix("string");
        if (length <= 0)
        {
            return length < 0 ? null : string.Empty;
        }

        int pos = _pos;
        if (_span.Length - pos >= length)
        {
            string result = DecodeUtf8(_span.Slice(pos, length));
            _pos = pos + length;
            return result;
        }

        return ReadSplitString(length);
    }

    /// <summary>A string whose bytes cross a segment boundary (its length was checked against the bytes left).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private string ReadSplitString(int length)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            ReadRaw(rented.AsSpan(0, length));
            return DecodeUtf8(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireFormatException("A string is not valid UTF-8.", ex);
        }
    }

    /// <summary>Reads a byte array written by <see cref="WireWriter.WriteBytes(byte[])"/>.</summary>
    public byte[]? ReadBytes()
    {
        int length = ReadLengthPrefix("byte array");
        if (length <= 0)
        {
            return length < 0 ? null : Array.Empty<byte>();
        }

        // The length was checked against the bytes left, so the copy below fills the whole array.
        byte[] result = length >= UninitializedArrayThreshold ? GC.AllocateUninitializedArray<byte>(length) : new byte[length];
        ReadRaw(result);
        return result;
    }

    /// <summary>
    /// Takes the next <paramref name="length"/> bytes as a slice of the input when they are contiguous there (valid
    /// while the input is); false, having read nothing, when they cross a segment boundary.
    /// </summary>
    internal bool TryReadContiguous(int length, out ReadOnlySpan<byte> bytes)
    {
        int pos = _pos;
        if (_span.Length - pos >= length)
        {
            _pos = pos + length;
            bytes = _span.Slice(pos, length);
            return true;
        }

        bytes = default;
        return false;
    }

    /// <summary>Fills <paramref name="destination"/> with the next bytes.</summary>
    public void ReadRaw(scoped Span<byte> destination)
    {
        int pos = _pos;
        if (_span.Length - pos >= destination.Length)
        {
            _span.Slice(pos, destination.Length).CopyTo(destination);
            _pos = pos + destination.Length;
            return;
        }

        ReadRawSlow(destination);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReadRawSlow(scoped Span<byte> destination)
    {
        if (destination.Length > Remaining)
        {
            throw Truncated("raw bytes");
        }

        while (!destination.IsEmpty)
        {
            if (!EnsureByte())
            {
                throw Truncated("raw bytes");
            }

            int n = Math.Min(destination.Length, _span.Length - _pos);
            _span.Slice(_pos, n).CopyTo(destination);
            _pos += n;
            destination = destination[n..];
        }
    }
}
