using System.Buffers;
using System.Text;
using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

public class StringAndBytesRoundTripTests
{
    [Fact]
    public void Strings_round_trip() => Check(Gens.String, v => RoundTrip(v), 200);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("naïve café")]
    [InlineData("日本語のテキスト")]
    [InlineData("emoji 😀 and 𝄞")]
    [InlineData("\0nul inside\0")]
    public void Specific_strings_round_trip(string? value) => Assert.Equal(value, RoundTrip(value));

    [Theory]
    [InlineData(169)]
    [InlineData(170)]
    [InlineData(513)]
    [InlineData(5000)]
    public void Strings_around_and_beyond_the_stack_buffer_round_trip(int length)
    {
        string ascii = new('q', length);
        string mixed = string.Concat(Enumerable.Range(0, length).Select(i => (i % 3) switch { 0 => "é", 1 => "😀", _ => "z" }));
        Assert.Equal(ascii, RoundTrip(ascii));
        Assert.Equal(mixed, RoundTrip(mixed));
    }

    [Fact]
    public void Null_and_empty_strings_are_distinct_on_the_wire()
    {
        Assert.Equal([0], Encode<string?>(null));
        Assert.Equal([1], Encode<string?>(string.Empty));
        Assert.Equal(string.Empty, Decode<string?>([1]));
        Assert.Null(Decode<string?>([0]));
    }

    [Fact]
    public void String_length_prefix_counts_utf8_bytes()
    {
        byte[] bytes = Encode<string?>("é😀");
        Assert.Equal(1 + 2 + 4, bytes[0]);
        Assert.Equal(Encoding.UTF8.GetBytes("é😀"), bytes[1..]);
    }

    [Fact]
    public void A_lone_surrogate_is_written_as_the_replacement_character()
    {
        // .NET strings may hold unpaired surrogates, UTF-8 cannot: the writer substitutes U+FFFD.
        Assert.Equal("a\uFFFDb", Decode<string?>(Encode<string?>("a\uD800b")));
        Assert.Equal("\uFFFD", Decode<string?>(Encode<string?>("\uDC00")));
        string longer = new string('x', 300) + "\uD83D";
        Assert.Equal(new string('x', 300) + "\uFFFD", Decode<string?>(Encode<string?>(longer)));
    }

    [Fact]
    public void Strings_spanning_many_buffer_segments_round_trip()
    {
        Check(
            Gen.ListOf(Gens.String, 20).Select(l => l.ToList()),
            strings =>
            {
                using var buffer = new WireBuffer(16);
                var writer = new WireWriter(buffer, TupleWire);
                foreach (string? s in strings)
                {
                    writer.WriteString(s);
                }

                writer.Flush();
                var reader = new WireReader(AsSequence(buffer), TupleWire);
                foreach (string? s in strings)
                {
                    Assert.Equal(s, reader.ReadString());
                }

                Assert.True(reader.End);
            },
            50);
    }

    [Fact]
    public void A_string_split_across_sequence_segments_is_read_whole()
    {
        string value = string.Concat(Enumerable.Repeat("ab😀ç", 200));
        byte[] bytes = Encode<string?>(value);
        foreach (int cut in new[] { 1, 2, 3, 7, 64 })
        {
            Assert.Equal(value, Decode<string?>(Fragment(bytes, cut)));
        }
    }

    [Fact]
    public void Byte_arrays_round_trip() => Check(Gens.Bytes, v => RoundTrip(v), 100);

    [Fact]
    public void Null_and_empty_byte_arrays_are_distinct()
    {
        Assert.Null(RoundTrip<byte[]?>(null));
        byte[]? empty = RoundTrip<byte[]?>([]);
        Assert.NotNull(empty);
        Assert.Empty(empty);
    }

    [Fact]
    public void A_large_byte_array_round_trips_across_segments()
    {
        byte[] value = new byte[100 * 1024];
        new Random(42).NextBytes(value);
        byte[]? back = RoundTrip<byte[]?>(value);
        Assert.Equal(value, back);
    }

    [Fact]
    public void ReadOnlyMemory_round_trips() =>
        Check(Gens.Bytes.Select(b => new ReadOnlyMemory<byte>(b ?? [])), v => RoundTrip(v), 100);

    [Fact]
    public void ReadOnlyMemory_slice_writes_only_its_bytes()
    {
        byte[] backing = [9, 1, 2, 3, 9];
        ReadOnlyMemory<byte> back = RoundTrip(new ReadOnlyMemory<byte>(backing, 1, 3));
        Assert.Equal(new byte[] { 1, 2, 3 }, back.ToArray());
    }

    [Fact]
    public void ReadOnlyMemory_reads_a_null_byte_array_as_empty()
    {
        byte[] bytes = Encode<byte[]?>(null);
        Assert.True(Decode<ReadOnlyMemory<byte>>(bytes).IsEmpty);
    }

    [Fact]
    public void A_large_ReadOnlyMemory_round_trips_from_a_fragmented_sequence()
    {
        byte[] value = new byte[100 * 1024];
        new Random(7).NextBytes(value);
        byte[] bytes = Encode(new ReadOnlyMemory<byte>(value));
        ReadOnlySequence<byte> fragmented = Fragment(bytes, 4096);
        Assert.Equal(value, Decode<ReadOnlyMemory<byte>>(fragmented).ToArray());
    }
}
