using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

/// <summary>
/// Arrays and lists of <c>double</c>, <c>float</c>, <c>Guid</c>, <c>byte</c> and <c>sbyte</c> are copied as one block:
/// the bytes must be exactly those of one element formatter call per element (the wire format does not change), they
/// must read back bit for bit from one block and from small segments, and a count the input cannot hold must fail
/// before anything is allocated for it.
/// </summary>
public class RawElementsTests
{
    /// <summary>The encoding element by element, as the per-element path (and any older node) writes it.</summary>
    private static byte[] ElementByElement<T>(T[] items)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, TupleWire);
        writer.WriteVarUInt32((uint)items.Length + 1);
        IWireFormatter<T> element = TupleWire.Registry.GetFormatter<T>();
        foreach (T item in items)
        {
            element.Write(ref writer, item);
        }

        writer.Flush();
        return buffer.ToArray();
    }

    private static void Same<T>(T[] items)
    {
        byte[] expected = ElementByElement(items);
        Assert.Equal(expected, Encode(items));
        Assert.Equal(expected, Encode(new List<T>(items)));
        RoundTrip(items);
        RoundTrip(new List<T>(items));
        Assert.Equal(items, Decode<T[]>(Fragment(expected, 5)));
        Assert.Equal(items, Decode<List<T>>(Fragment(expected, 2)));
    }

    [Fact]
    public void Doubles_keep_their_bytes_and_bits() =>
        Same(new[] { 0.0, -0.0, 1.5, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001), double.MaxValue, double.Epsilon });

    [Fact]
    public void Singles_keep_their_bytes_and_bits() =>
        Same(new[] { 0f, -0f, 1.5f, float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_0001), float.MinValue });

    [Fact]
    public void Guids_keep_their_bytes() =>
        Same(new[] { Guid.Empty, new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), Guid.NewGuid() });

    [Fact]
    public void Bytes_and_signed_bytes_in_lists_and_arrays_keep_their_bytes()
    {
        Same(new byte[] { 0, 1, 127, 128, 255 });
        Same(new sbyte[] { 0, -1, 127, -128 });
    }

    [Fact]
    public void Empty_and_null_collections_keep_their_encoding()
    {
        Same(Array.Empty<double>());
        Assert.Equal(new byte[] { 0 }, Encode<double[]?>(null));
        Assert.Null(Decode<List<Guid>?>([0]));
    }

    [Fact]
    public void A_count_the_input_cannot_hold_fails_before_allocating()
    {
        // 100,000 doubles declared (800 KB), 100 KB present: refused by the count check, nothing sized for the count.
        const int count = 100_000;
        byte[] bytes = [.. VarUInt(count + 1), .. new byte[count]];
        foreach (Func<object?> read in new Func<object?>[]
        {
            () => Decode<double[]>(bytes), () => Decode<List<double>>(bytes), () => Decode<Guid[]>(bytes),
            () => Decode<List<float>>(bytes), () => Decode<List<Guid>>(bytes),
        })
        {
            Assert.Throws<WireFormatException>(read); // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<WireFormatException>(read);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 16 * 1024, $"A refused count allocated {allocated} bytes.");
        }
    }

    private static byte[] VarUInt(int value)
    {
        var bytes = new List<byte>();
        uint v = (uint)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }

        bytes.Add((byte)v);
        return [.. bytes];
    }
}
