using System.Buffers;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

/// <summary>
/// The reader's two paths: values read from one contiguous block (the fast path) and the same bytes cut anywhere into
/// segments, empty ones included (the slow path), must give the same values and positions; input cut short must
/// throw <see cref="WireFormatException"/> whatever the cut.
/// </summary>
public class WireReaderSegmentTests
{
    private delegate void WriteAction(ref WireWriter writer);

    /// <summary>One of every scalar read, with varints of every length and values that cross any cut.</summary>
    private static byte[] Scalars()
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, TupleWire);
        writer.WriteByte(0xAB);
        writer.WriteBool(true);
        writer.WriteVarUInt32(0);
        writer.WriteVarUInt32(127);
        writer.WriteVarUInt32(128);
        writer.WriteVarUInt32(uint.MaxValue);
        writer.WriteVarUInt64(ulong.MaxValue);
        writer.WriteVarInt32(int.MinValue);
        writer.WriteVarInt64(long.MinValue);
        writer.WriteInt16(-12345);
        writer.WriteInt32(0x12345678);
        writer.WriteInt64(0x0102030405060708);
        writer.WriteSingle(1.5f);
        writer.WriteDouble(-2.25);
        writer.WriteDecimal(79228162514264337593543950335m);
        writer.WriteGuid(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"));
        writer.WriteString("héllo, wörld");
        writer.WriteString(null);
        writer.WriteString(string.Empty);
        writer.WriteBytes(new byte[] { 1, 2, 3 });
        writer.Write(new Pid(NodeName.Parse("a@host"), 42));
        writer.Flush();
        return buffer.ToArray();
    }

    private static void ReadScalars(ref WireReader reader)
    {
        Assert.Equal(0xAB, reader.ReadByte());
        Assert.True(reader.ReadBool());
        Assert.Equal(0u, reader.ReadVarUInt32());
        Assert.Equal(127u, reader.ReadVarUInt32());
        Assert.Equal(128u, reader.ReadVarUInt32());
        Assert.Equal(uint.MaxValue, reader.ReadVarUInt32());
        Assert.Equal(ulong.MaxValue, reader.ReadVarUInt64());
        Assert.Equal(int.MinValue, reader.ReadVarInt32());
        Assert.Equal(long.MinValue, reader.ReadVarInt64());
        Assert.Equal(-12345, reader.ReadInt16());
        Assert.Equal(0x12345678, reader.ReadInt32());
        Assert.Equal(0x0102030405060708, reader.ReadInt64());
        Assert.Equal(1.5f, reader.ReadSingle());
        Assert.Equal(-2.25, reader.ReadDouble());
        Assert.Equal(79228162514264337593543950335m, reader.ReadDecimal());
        Assert.Equal(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), reader.ReadGuid());
        Assert.Equal("héllo, wörld", reader.ReadString());
        Assert.Null(reader.ReadString());
        Assert.Equal(string.Empty, reader.ReadString());
        Assert.Equal(new byte[] { 1, 2, 3 }, reader.ReadBytes());
        Assert.Equal(new Pid(NodeName.Parse("a@host"), 42), reader.Read<Pid>());
    }

    /// <summary><paramref name="bytes"/> cut at <paramref name="cut"/>, with empty segments before, at and after the cut.</summary>
    private static ReadOnlySequence<byte> CutWithEmpties(byte[] bytes, int cut) => Chain(
    [
        ReadOnlyMemory<byte>.Empty, bytes.AsMemory(0, cut), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty,
        bytes.AsMemory(cut), ReadOnlyMemory<byte>.Empty,
    ]);

    [Fact]
    public void Every_scalar_reads_the_same_from_one_block_and_cut_anywhere()
    {
        byte[] bytes = Scalars();
        var whole = new WireReader(bytes, TupleWire);
        ReadScalars(ref whole);
        Assert.True(whole.End);

        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var reader = new WireReader(CutWithEmpties(bytes, cut), TupleWire);
            ReadScalars(ref reader);
            Assert.True(reader.End, $"cut at {cut}: {reader.Remaining} bytes left");
            Assert.Equal(bytes.Length, reader.Consumed);
        }

        for (int size = 1; size <= 4; size++)
        {
            var reader = new WireReader(Fragment(bytes, size), TupleWire);
            ReadScalars(ref reader);
            Assert.True(reader.End);
        }
    }

    [Fact]
    public void Positions_and_the_unread_sequence_follow_the_reads_across_segments()
    {
        byte[] bytes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var reader = new WireReader(CutWithEmpties(bytes, cut), TupleWire);
            Assert.Equal(10, reader.Remaining);
            reader.Skip(3);
            Assert.Equal(3, reader.Consumed);
            Assert.Equal(new byte[] { 4, 5, 6, 7, 8, 9, 10 }, reader.UnreadSequence.ToArray());
            Assert.Equal(4, reader.ReadByte());
            reader.Skip(5);
            Assert.Equal(10, reader.ReadByte());
            Assert.True(reader.End);
            Assert.True(reader.UnreadSequence.IsEmpty);
            Assert.Equal(0, reader.Remaining);
        }
    }

    [Fact]
    public void Input_cut_short_anywhere_throws_a_wire_format_exception()
    {
        byte[] bytes = Scalars();
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] prefix = bytes[..length];
            foreach (ReadOnlySequence<byte> data in new[] { new ReadOnlySequence<byte>(prefix), Fragment(prefix, 2) })
            {
                Assert.Throws<WireFormatException>(() =>
                {
                    var reader = new WireReader(data, TupleWire);
                    ReadScalars(ref reader);
                });
            }
        }
    }

    [Fact]
    public void A_message_cut_short_anywhere_throws_a_wire_format_exception()
    {
        var message = new Dictionary<string, List<double>> { ["a"] = [1.5, 2.5], ["b"] = [] };
        byte[] bytes = EncodeObject(message);
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] prefix = bytes[..length];
            Assert.Throws<WireFormatException>(() => DecodeObject(prefix));
            Assert.Throws<WireFormatException>(() => DecodeObject(Fragment(prefix, 3)));
        }
    }

    [Fact]
    public void Skipping_past_the_end_throws_and_reading_past_it_too()
    {
        byte[] bytes = [1, 2, 3];
        Assert.Throws<WireFormatException>(() =>
        {
            var reader = new WireReader(Fragment(bytes, 1), TupleWire);
            reader.Skip(4);
        });
        Assert.Throws<WireFormatException>(() =>
        {
            var reader = new WireReader(Fragment(bytes, 1), TupleWire);
            reader.Skip(2);
            reader.ReadInt16();
        });
        Assert.Throws<WireFormatException>(() =>
        {
            var reader = new WireReader(bytes, TupleWire);
            reader.ReadGuid();
        });
    }

    [Fact]
    public void An_object_skips_unknown_members_that_span_segments()
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, TupleWire);
        WireObjectScope scope = writer.BeginObject(3);
        writer.WriteVarInt32(7);
        writer.WriteString(new string('x', 100));
        writer.WriteBytes(new byte[300]);
        writer.EndObject(scope);
        writer.WriteByte(0xEE);
        writer.Flush();
        byte[] bytes = buffer.ToArray();

        foreach (ReadOnlySequence<byte> data in new[] { new ReadOnlySequence<byte>(bytes), Fragment(bytes, 7), CutWithEmpties(bytes, 50) })
        {
            var reader = new WireReader(data, TupleWire);
            WireObjectScope read = reader.BeginObject(out int members);
            Assert.Equal(3, members);
            Assert.Equal(7, reader.ReadVarInt32());
            reader.EndObject(read);
            Assert.Equal(0xEE, reader.ReadByte());
            Assert.True(reader.End);
        }
    }
}
