using System.Buffers;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

/// <summary>Reassembly of fragment frames (docs/wire.md, "Fragments"): the bytes come back whole, and every malformed input is a protocol error.</summary>
public class FragmentReassemblerTests
{
    private const int Max = 1024 * 1024;

    /// <summary>A fragment frame body: type 16, id, index, the total on the first, then the bytes.</summary>
    internal static byte[] Fragment(uint id, uint index, uint total, ReadOnlySpan<byte> data)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteByte((byte)FrameType.Fragment);
        writer.WriteVarUInt32(id);
        writer.WriteVarUInt32(index);
        if (index == 0)
        {
            writer.WriteVarUInt32(total);
        }

        writer.Flush();
        buffer.Write(data);
        return buffer.ToArray();
    }

    /// <summary>Feeds one fragment frame body; returns the completed body's bytes, or null.</summary>
    private static byte[]? Feed(FragmentReassembler reassembler, byte[] fragment)
    {
        var reader = new WireReader(new ReadOnlySequence<byte>(fragment), WireContext.Default);
        Assert.Equal((byte)FrameType.Fragment, reader.ReadByte());
        if (reassembler.Add(ref reader) is not { } complete)
        {
            return null;
        }

        byte[] bytes = complete.Body.ToArray();
        reassembler.Release(complete);
        return bytes;
    }

    private static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 10; // a Message frame's type byte
        return bytes;
    }

    [Theory]
    [InlineData(200_000, 30_000)]
    [InlineData(65_536 * 3, 65_536)]
    [InlineData(10, 3)]
    public void Fragments_in_sequence_give_back_the_whole_body_across_pooled_chunks(int total, int size)
    {
        byte[] body = Bytes(total, total);
        var reassembler = new FragmentReassembler(Max);
        byte[]? result = null;
        uint index = 0;
        for (int at = 0; at < total; at += size, index++)
        {
            int n = Math.Min(size, total - at);
            Assert.Null(result);
            result = Feed(reassembler, Fragment(7, index, (uint)total, body.AsSpan(at, n)));
        }

        Assert.Equal(body, result);
        Assert.Equal(0, reassembler.OpenCount);
    }

    [Fact]
    public void Two_messages_interleaved_are_each_reassembled()
    {
        byte[] a = Bytes(100, 1);
        byte[] b = Bytes(80, 2);
        var reassembler = new FragmentReassembler(Max);
        Assert.Null(Feed(reassembler, Fragment(1, 0, 100, a.AsSpan(0, 50))));
        Assert.Null(Feed(reassembler, Fragment(2, 0, 80, b.AsSpan(0, 40))));
        Assert.Equal(2, reassembler.OpenCount);
        Assert.Equal(b, Feed(reassembler, Fragment(2, 1, 0, b.AsSpan(40))));
        Assert.Equal(a, Feed(reassembler, Fragment(1, 1, 0, a.AsSpan(50))));
        Assert.Equal(0, reassembler.OpenCount);
    }

    [Fact]
    public void A_fragment_of_a_message_never_begun_is_a_protocol_error()
    {
        var reassembler = new FragmentReassembler(Max);
        var error = Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(9, 1, 0, [1, 2, 3])));
        Assert.Contains("never begun", error.Message);
    }

    [Fact]
    public void A_fragment_out_of_sequence_is_a_protocol_error()
    {
        var reassembler = new FragmentReassembler(Max);
        Feed(reassembler, Fragment(1, 0, 100, Bytes(10, 1)));
        var error = Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(1, 2, 0, [1, 2, 3])));
        Assert.Contains("out of sequence", error.Message);
    }

    [Fact]
    public void A_fragment_running_past_the_declared_size_is_a_protocol_error()
    {
        var reassembler = new FragmentReassembler(Max);
        Feed(reassembler, Fragment(1, 0, 10, Bytes(6, 1)));
        var error = Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(1, 1, 0, new byte[5])));
        Assert.Contains("runs past", error.Message);
        var first = Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(2, 0, 4, Bytes(5, 2))));
        Assert.Contains("runs past", first.Message);
    }

    [Fact]
    public void One_message_too_many_in_reassembly_is_a_protocol_error()
    {
        var reassembler = new FragmentReassembler(Max);
        for (uint id = 0; id < FragmentReassembler.MaxOpen; id++)
        {
            Feed(reassembler, Fragment(id, 0, 100, Bytes(10, 1)));
        }

        var error = Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(FragmentReassembler.MaxOpen, 0, 100, Bytes(10, 1))));
        Assert.Contains("limit", error.Message);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1048577u)] // Max + 1
    public void A_declared_size_of_zero_or_above_the_frame_limit_is_a_protocol_error(uint total)
    {
        var reassembler = new FragmentReassembler(Max);
        var error = Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(1, 0, total, [10])));
        Assert.Contains("declares", error.Message);
    }

    [Fact]
    public void A_message_begun_twice_an_empty_fragment_and_a_cut_header_are_protocol_errors()
    {
        var reassembler = new FragmentReassembler(Max);
        Feed(reassembler, Fragment(1, 0, 100, Bytes(10, 1)));
        Assert.Contains("still open", Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(1, 0, 100, Bytes(10, 1)))).Message);
        Assert.Contains("no bytes", Assert.Throws<ProtocolException>(() => Feed(reassembler, Fragment(1, 1, 0, []))).Message);
        Assert.Contains("Malformed", Assert.Throws<ProtocolException>(() => Feed(reassembler, [(byte)FrameType.Fragment, 0x80])).Message);
    }

    [Fact]
    public void Resetting_when_the_connection_ends_drops_incomplete_messages()
    {
        var reassembler = new FragmentReassembler(Max);
        Feed(reassembler, Fragment(1, 0, 200_000, Bytes(100_000, 1)));
        Assert.Equal(1, reassembler.OpenCount);
        reassembler.Reset();
        Assert.Equal(0, reassembler.OpenCount);
    }
}
