using System.Buffers;
using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

/// <summary>Hostile or corrupt bytes: every case must throw <see cref="WireFormatException"/>, quickly and without a large allocation.</summary>
public class MalformedInputTests
{
    private delegate void WriteAction(ref WireWriter writer);

    private delegate void ReadAction(ref WireReader reader);

    private static byte[] Bytes(WriteAction write, WireContext? context = null)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, context ?? TupleWire);
        write(ref writer);
        writer.Flush();
        return buffer.ToArray();
    }

    private static WireFormatException Fails<T>(byte[] bytes, WireContext? context = null) =>
        Assert.Throws<WireFormatException>(() => Decode<T>(bytes, context));

    private static WireFormatException FailsAsObject(byte[] bytes, WireContext? context = null) =>
        Assert.Throws<WireFormatException>(() => DecodeObject(bytes, context));

    /// <summary>Fails with <see cref="WireFormatException"/> and allocates less than <paramref name="limit"/> bytes doing so.</summary>
    private static WireFormatException FailsCheaply<T>(byte[] bytes, long limit = 64 * 1024)
    {
        Assert.Throws<WireFormatException>(() => Decode<T>(bytes)); // warm up: JIT, formatter construction
        long before = GC.GetAllocatedBytesForCurrentThread();
        WireFormatException ex = Assert.Throws<WireFormatException>(() => Decode<T>(bytes));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < limit, $"Reading {bytes.Length} bad bytes as {typeof(T).Name} allocated {allocated} bytes.");
        return ex;
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x10 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[0])]
    public void Bad_32_bit_varints_are_rejected(byte[] bytes)
    {
        Fails<uint>(bytes);
        Fails<int>(bytes);
        Fails<string?>(bytes);
        Fails<List<int>?>(bytes);
        FailsAsObject(bytes);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    public void Bad_64_bit_varints_are_rejected(byte[] bytes)
    {
        Fails<ulong>(bytes);
        Fails<long>(bytes);
        Fails<TimeSpan>(bytes);
    }

    [Fact]
    public void Varint_errors_say_what_went_wrong()
    {
        Assert.Contains("overflow", Fails<uint>([0xFF, 0xFF, 0xFF, 0xFF, 0x10]).Message, StringComparison.Ordinal);
        Assert.Contains("overflow", Fails<ulong>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]).Message, StringComparison.Ordinal);
        Assert.Contains("end of data", Fails<uint>([0x80, 0x80]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Narrow_integers_out_of_range_are_rejected()
    {
        Fails<short>(Encode(40_000));
        Fails<short>(Encode(-40_000));
        Fails<ushort>(Encode(70_000u));
        Fails<char>(Encode(0x1_0000u));
        Assert.Contains("Int16", Fails<short>(Encode(int.MaxValue)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enum_values_that_do_not_fit_the_underlying_type_are_rejected()
    {
        Fails<EnumRoundTripTests.ByteEnum>(Encode(256L));
        Fails<EnumRoundTripTests.ByteEnum>(Encode(-1L));
        Fails<EnumRoundTripTests.SByteEnum>(Encode(128L));
        Fails<EnumRoundTripTests.IntEnum>(Encode((long)int.MaxValue + 1));
        Fails<EnumRoundTripTests.UIntEnum>(Encode(-1L));
    }

    [Theory]
    [InlineData((byte)2)]
    [InlineData((byte)0xFF)]
    public void Bool_bytes_other_than_0_and_1_are_rejected(byte value)
    {
        Assert.Contains("boolean", Fails<bool>([value]).Message, StringComparison.Ordinal);
        Fails<int?>([value, 2]);
    }

    [Fact]
    public void Declared_lengths_beyond_the_input_throw_fast_without_allocating()
    {
        byte[] twoBillion = [0x80, 0x80, 0x80, 0x80, 0x08]; // varint 2^31 = count + 1 for 2^31 - 1 items
        Assert.Contains("exceeds", FailsCheaply<string?>(twoBillion).Message, StringComparison.Ordinal);
        FailsCheaply<byte[]?>(twoBillion);
        FailsCheaply<ReadOnlyMemory<byte>>(twoBillion);
        FailsCheaply<List<int>?>(twoBillion);
        FailsCheaply<List<List<string>>?>(twoBillion);
        FailsCheaply<int[]?>(twoBillion);
        FailsCheaply<Guid[]?>(twoBillion);
        FailsCheaply<HashSet<long>?>(twoBillion);
        FailsCheaply<Dictionary<string, int>?>(twoBillion);
        FailsCheaply<NodeName>(twoBillion);
        FailsCheaply<List<int>?>([0xFE, 0xFF, 0xFF, 0xFF]);
        FailsCheaply<List<int>?>([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        FailsCheaply<List<int>?>([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]);
    }

    [Fact]
    public void A_plausible_count_of_wide_elements_allocates_in_proportion_to_the_input()
    {
        // 1 MB of input claiming 1M Guids (16 MB) runs out after 62,500: the reader must not pre-size for 1M.
        const int count = 1_000_000;
        byte[] bytes = new byte[5 + count];
        int n = WriteVarint(bytes, count + 1);
        Array.Resize(ref bytes, n + count);
        FailsCheaply<Guid[]?>(bytes, 6 * count);
        FailsCheaply<List<Guid>?>(bytes, 6 * count);
        FailsCheaply<List<decimal>?>(bytes, 6 * count);
        FailsCheaply<HashSet<Guid>?>(bytes, 6 * count);
        FailsCheaply<Dictionary<Guid, Guid>?>(bytes, 6 * count);
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];

    private static byte[] VarintBytes(int value)
    {
        byte[] buffer = new byte[5];
        int n = WriteVarint(buffer, value);
        return buffer[..n];
    }

    private static int WriteVarint(byte[] target, int value)
    {
        uint v = (uint)value;
        int i = 0;
        while (v >= 0x80)
        {
            target[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        target[i++] = (byte)v;
        return i;
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })]
    public void Invalid_utf8_is_rejected(byte[] utf8)
    {
        byte[] bytes = Concat([(byte)(utf8.Length + 1)], utf8);
        Assert.Contains("UTF-8", Fails<string?>(bytes).Message, StringComparison.Ordinal);

        // Also through the slow path: a string split across sequence segments.
        var split = Assert.Throws<WireFormatException>(() =>
        {
            var reader = new WireReader(Fragment(bytes, 1), TupleWire);
            reader.ReadString();
        });
        Assert.Contains("UTF-8", split.Message, StringComparison.Ordinal);
        Fails<NodeName>(Concat([(byte)(utf8.Length + 4)], [(byte)'a', (byte)'@', (byte)'b', .. utf8]));
    }

    [Fact]
    public void Unknown_type_ids_are_reported_with_their_id()
    {
        byte[] bytes = VarintBytes(999_999);
        var ex = FailsAsObject(bytes);
        Assert.Contains("Unknown type id 999999", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Unknown type id", FailsAsObject([(byte)99]).Message, StringComparison.Ordinal);
        Assert.Contains("Unknown type id", FailsAsObject([(byte)WireTypeIds.ListOf, 98]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_type_descriptors_are_rejected()
    {
        Assert.Contains("null argument", FailsAsObject([(byte)WireTypeIds.ListOf, 0]).Message, StringComparison.Ordinal);
        FailsAsObject([(byte)WireTypeIds.NullableOf, (byte)WireTypeIds.String, 0]);
        FailsAsObject([(byte)WireTypeIds.NullableOf, (byte)WireTypeIds.NullableOf, (byte)WireTypeIds.Int32, 1, 1, 2]);
        FailsAsObject([(byte)WireTypeIds.DictionaryOf, (byte)WireTypeIds.Int32]);
        byte[] deep = [.. Enumerable.Repeat((byte)WireTypeIds.ListOf, 20), (byte)WireTypeIds.Int32, 1];
        Assert.Contains("nested", FailsAsObject(deep).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_lengths_past_the_end_are_rejected()
    {
        Assert.Contains("Object length", Fails<ExitReason>([0xFF, 0xFF, 0x00, 0x00, 1, 1]).Message, StringComparison.Ordinal);
        Fails<ExitReason>([0xFF, 0xFF, 0xFF, 0xFF, 1, 1]); // negative
        Fails<ExitReason>([0x05, 0x00, 0x00]); // truncated length slot
    }

    [Fact]
    public void Members_running_past_the_declared_object_length_are_rejected()
    {
        // Declared length 2 but the kind string needs 1 + 1 + 7 bytes.
        byte[] good = Encode(ExitReason.Killed);
        byte[] lying = [2, 0, 0, 0, .. good[4..]];
        Assert.Contains("past its declared length", Fails<ExitReason>(lying).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_count_beyond_int_range_is_rejected()
    {
        byte[] bytes = [6, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1];
        Assert.Contains("member count", Fails<ExitReason>(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_and_elements_are_rejected()
    {
        byte[] dictionary = Bytes((ref WireWriter w) =>
        {
            w.WriteVarUInt32(3);
            w.WriteString("k");
            w.WriteVarInt32(1);
            w.WriteString("k");
            w.WriteVarInt32(2);
        });
        Assert.Contains("duplicate key", Fails<Dictionary<string, int>>(dictionary).Message, StringComparison.Ordinal);

        byte[] set = Bytes((ref WireWriter w) =>
        {
            w.WriteVarUInt32(3);
            w.WriteVarInt64(5);
            w.WriteVarInt64(5);
        });
        Assert.Contains("duplicate element", Fails<HashSet<long>>(set).Message, StringComparison.Ordinal);

        byte[] nullKey = Bytes((ref WireWriter w) =>
        {
            w.WriteVarUInt32(2);
            w.WriteString(null);
            w.WriteVarInt32(1);
        });
        Assert.Contains("key is null", Fails<Dictionary<string, int>>(nullKey).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("a@b@c")]
    [InlineData("@host")]
    [InlineData("name@")]
    [InlineData("sp ace@host")]
    [InlineData("a@b:c")]
    [InlineData("ünï@host")]
    public void Invalid_node_names_on_the_wire_are_rejected(string name)
    {
        byte[] asName = Encode<string?>(name);
        Assert.Throws<WireFormatException>(() => Decode<NodeName>(asName));

        byte[] asPid = Bytes((ref WireWriter w) =>
        {
            w.WriteByte(0);
            w.WriteByte((byte)RemoteRefKind.Pid);
            w.WriteString(name);
            w.WriteVarInt64(1);
        });
        Fails<Pid>(asPid);
        Fails<NodeUp>(asName);

        byte[] asUri = Bytes((ref WireWriter w) =>
        {
            w.WriteByte(1);
            w.WriteString($"partisan:pid:{name}:1");
        });
        Fails<Pid>(asUri);
    }

    [Fact]
    public void Node_names_that_are_null_or_too_long_are_rejected()
    {
        Assert.Contains("length", Fails<NodeName>([0]).Message, StringComparison.Ordinal);
        Fails<NodeName>(Encode<string?>("a@" + new string('h', 300)));
        Fails<NodeName>(Encode<string?>("a@" + new string('h', 1000)));
    }

    [Fact]
    public void Bad_remote_reference_encodings_are_rejected()
    {
        Assert.Contains("tag 7", Fails<RemoteRef>([7]).Message, StringComparison.Ordinal);
        Assert.Contains("kind 9", Fails<RemoteRef>([0, 9, 4, (byte)'a', (byte)'@', (byte)'b', 2]).Message, StringComparison.Ordinal);
        Fails<RemoteRef>([1, 0]); // null URI
        Fails<RemoteRef>([.. new byte[] { 1 }, .. Encode<string?>("hello")]);
        Fails<RemoteRef>([.. new byte[] { 1 }, .. Encode<string?>("partisan:pid:a@b:-1")]);
        Fails<RemoteRef>([.. new byte[] { 0, (byte)RemoteRefKind.Name }, .. Encode(NodeName.Parse("a@b")), .. Encode<string?>("bad:name")]);
        Fails<RemoteRef>([.. new byte[] { 0, (byte)RemoteRefKind.Name }, .. Encode(NodeName.Parse("a@b")), 0]);
    }

    [Fact]
    public void Invalid_decimals_dates_and_offsets_are_rejected()
    {
        byte[] decimalBits = new byte[16];
        decimalBits[14] = 29; // scale 29
        Assert.Contains("decimal", Fails<decimal>(decimalBits).Message, StringComparison.Ordinal);
        decimalBits[14] = 0;
        decimalBits[12] = 1; // reserved bits set
        Fails<decimal>(decimalBits);

        Fails<DateTimeOffset>([.. BitConverter.GetBytes(0L), .. Encode(15 * 60)]);
        Fails<DateTimeOffset>([.. BitConverter.GetBytes(DateTime.MaxValue.Ticks), .. Encode(-60)]);
        Fails<DateTimeOffset>([.. BitConverter.GetBytes(-1L), .. Encode(0)]);
        Fails<DateTime>(BitConverter.GetBytes(DateTime.MaxValue.Ticks + 1));
    }

    [Fact]
    public void Any_eight_bytes_are_a_date_or_a_format_error()
    {
        Check(
            Gens.Int64,
            bits =>
            {
                byte[] bytes = BitConverter.GetBytes(bits);
                try
                {
                    Decode<DateTime>(bytes);
                }
                catch (WireFormatException)
                {
                }

                try
                {
                    Decode<DateTimeOffset>([.. bytes, .. Encode((int)(bits % 2000))]);
                }
                catch (WireFormatException)
                {
                }
            },
            300);
    }

    [Fact]
    public void Nesting_deeper_than_MaxDepth_is_rejected_for_typed_collections()
    {
        var shallow = new WireContext(TypeRegistry.Default, maxDepth: 3);
        var value = new List<List<List<List<int>>>> { new() { new() { new() { 1 } } } };
        byte[] bytes = Encode(value);
        Assert.Contains("nesting deeper than 3", Fails<List<List<List<List<int>>>>>(bytes, shallow).Message, StringComparison.Ordinal);

        // Exactly at the limit is fine.
        Assert.Equal(1, Decode<List<List<List<int>>>>(Encode(new List<List<List<int>>> { new() { new() { 1 } } }), shallow)[0][0][0]);
    }

    [Fact]
    public void Nesting_deeper_than_MaxDepth_is_rejected_for_objects_reading_and_writing()
    {
        var registry = new TypeRegistry();
        registry.Register(new ChainFormatter(), 7001);
        var context = new WireContext(registry);
        var tooDeep = Chain.Of(100);

        // Writing refuses too.
        var writeError = Assert.Throws<WireFormatException>(() => EncodeObject(tooDeep, context));
        Assert.Contains("deeper than 64", writeError.Message, StringComparison.Ordinal);
        Assert.Equal(Chain.Of(20), DecodeObject(EncodeObject(Chain.Of(20), context), context));

        // A bomb made by a writer with a laxer limit: 1,000 nested objects.
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, new WireContext(registry, maxDepth: 2_000));
        writer.WriteObject(Chain.Of(1_000));
        writer.Flush();
        var ex = FailsAsObject(buffer.ToArray(), context);
        Assert.Contains("deeper than 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_strict_prefix_of_a_valid_encoding_fails_with_a_format_error()
    {
        Check(
            PolymorphicValueTests.AnyValue,
            value =>
            {
                byte[] bytes = EncodeObject(value);
                AssertSame(value, DecodeObject(bytes));
                for (int length = 0; length < bytes.Length; length++)
                {
                    var prefix = new ReadOnlySequence<byte>(bytes, 0, length);
                    Assert.Throws<WireFormatException>(() =>
                    {
                        var reader = new WireReader(prefix, TupleWire);
                        reader.ReadObject();
                    });
                }
            },
            100);
    }

    [Fact]
    public void Every_strict_prefix_of_a_uri_encoded_reference_fails_with_a_format_error()
    {
        Check(
            Gens.Down,
            value =>
            {
                foreach (WireContext context in AllRefFormats)
                {
                    byte[] bytes = Encode(value, context);
                    for (int length = 0; length < bytes.Length; length++)
                    {
                        byte[] prefix = bytes[..length];
                        Assert.Throws<WireFormatException>(() => Decode<Down>(prefix, context));
                    }
                }
            },
            25);
    }

    [Fact]
    public void Random_bytes_never_cause_anything_but_a_format_error()
    {
        Check(
            Gens.Bytes.Select(b => b ?? Array.Empty<byte>()),
            bytes =>
            {
                Survives(bytes, (ref WireReader r) => r.ReadObject());
                Survives(bytes, (ref WireReader r) => r.Read<List<Dictionary<string, int[]>>>());
                Survives(bytes, (ref WireReader r) => r.Read<Down>());
                Survives(bytes, (ref WireReader r) => r.Read<RemoteRef>());
            },
            300);
    }

    [Fact]
    public void Corrupting_one_byte_of_a_valid_encoding_never_causes_anything_but_a_format_error()
    {
        Check(
            from value in PolymorphicValueTests.AnyValue
            from position in Gen.Choose(0, 1 << 20)
            from replacement in Gen.Choose(0, 255)
            select (value, position, replacement),
            input =>
            {
                byte[] bytes = EncodeObject(input.value);
                bytes[input.position % bytes.Length] = (byte)input.replacement;
                Survives(bytes, (ref WireReader r) => r.ReadObject());
            },
            500);
    }

    /// <summary>Reading either succeeds or throws <see cref="WireFormatException"/>; anything else fails the test.</summary>
    private static void Survives(byte[] bytes, ReadAction read)
    {
        try
        {
            var reader = new WireReader(bytes, TupleWire);
            read(ref reader);
        }
        catch (WireFormatException)
        {
        }
    }

    /// <summary>A linked chain of objects, to build arbitrarily deep nesting.</summary>
    private sealed record Chain(object? Next)
    {
        public static Chain Of(int depth)
        {
            Chain chain = new(Next: null);
            for (int i = 1; i < depth; i++)
            {
                chain = new Chain(Next: (object)chain);
            }

            return chain;
        }
    }

    private sealed class ChainFormatter : WireFormatter<Chain>
    {
        public override void Write(ref WireWriter writer, Chain value)
        {
            WireObjectScope scope = writer.BeginObject(1);
            writer.WriteObject(value.Next);
            writer.EndObject(scope);
        }

        public override Chain Read(ref WireReader reader)
        {
            WireObjectScope scope = reader.BeginObject(out int members);
            object? next = members > 0 ? reader.ReadObject() : null;
            reader.EndObject(scope);
            return new Chain(next);
        }
    }
}
