using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using Partisan.Channels;
using Partisan.Routing;
using Partisan.Serialization;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

/// <summary>The optional header fields of message frames: encoding, skipping, bounds, and leaving them out for a version 1 peer.</summary>
public class FrameExtensionsTests
{
    private static readonly NodeName Self = NodeName.Parse("self@127.0.0.1");
    private static readonly MessageFlags V1 = MessageCodec.FlagsFor(1);
    private static readonly MessageFlags V2 = MessageCodec.FlagsFor(2);
    private static readonly MessageCodec Codec = new(WireContext.Default, 64 * 1024 * 1024, 512);

    private static FrameExtensions Full(ulong ackId = 300)
    {
        var extensions = default(FrameExtensions);
        extensions.AckId = ackId;
        extensions.CausalClock = new byte[] { 1, 2, 3, 4, 5 };
        extensions.TraceContext = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "vendor=value");
        return extensions;
    }

    private static byte[] Encode(ProcessRef target, object message, ChannelCompression compression, in FrameExtensions extensions, out OutboundFrame frame, bool relayed = false)
    {
        frame = OutboundFrame.Rent();
        if (relayed)
        {
            var writer = new WireWriter(frame.Body, WireContext.Default);
            new RelayHeader(NodeName.Parse("far@127.0.0.1"), NodeName.Parse("origin@127.0.0.1"), 5, 42).Write(ref writer);
            writer.Flush();
        }

        Codec.EncodeMessage(frame, target, message, compression, extensions);
        return frame.Body.ToArray();
    }

    private static byte[] Written(Action<PipeWriter> write)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        write(pipe.Writer);
        pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
        pipe.Reader.TryRead(out ReadResult result);
        byte[] bytes = result.Buffer.ToArray();
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    /// <summary>Reads a message body (type byte first) as a connection speaking <paramref name="allowed"/> would.</summary>
    private static (ProcessRef Target, object? Message, FrameExtensions Extensions) Decode(byte[] body, MessageFlags allowed)
    {
        var reader = new WireReader(body, WireContext.Default);
        Assert.Equal((byte)FrameType.Message, reader.ReadByte());
        MessageFlags flags = MessageCodec.ReadHeader(ref reader, Self, allowed, out ProcessRef target, out FrameExtensions extensions);
        FrameExtensions copy = extensions;
        if (extensions.CausalClock is { } clock)
        {
            copy.CausalClock = clock.ToArray();
        }

        return (target, Codec.ReadPayload(ref reader, flags, new ChannelOptions("c", compression: ChannelCompression.Deflate)), copy);
    }

    [Fact]
    public void Without_fields_a_message_is_the_version_1_encoding_byte_for_byte()
    {
        byte[] body = Encode(new Pid(Self, 7), "hello", ChannelCompression.None, FrameExtensions.None, out OutboundFrame frame);

        Assert.Equal(RawPeer.MessageBody(7, (ref WireWriter w) => w.WriteObject("hello")), body);
        Assert.Equal(0, frame.ExtensionsLength);
        OutboundFrame.Return(frame);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(ulong.MaxValue)]
    public void Every_defined_field_round_trips(ulong ackId)
    {
        FrameExtensions sent = Full(ackId);
        byte[] body = Encode(ProcessRef.ForName("inbox", Self), "payload", ChannelCompression.None, sent, out OutboundFrame frame);
        OutboundFrame.Return(frame);

        (ProcessRef target, object? message, FrameExtensions received) = Decode(body, V2);

        Assert.Equal("inbox", target.Name);
        Assert.Equal("payload", message);
        Assert.Equal(ackId, received.AckId);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, received.CausalClock!.Value.ToArray());
        ActivityContext trace = received.TraceContext!.Value;
        Assert.Equal(sent.TraceContext!.Value.TraceId, trace.TraceId);
        Assert.Equal(sent.TraceContext!.Value.SpanId, trace.SpanId);
        Assert.Equal(ActivityTraceFlags.Recorded, trace.TraceFlags);
        Assert.Equal("vendor=value", trace.TraceState);
        Assert.True(trace.IsRemote);
    }

    [Theory]
    [InlineData(ChannelCompression.None, false, false)]
    [InlineData(ChannelCompression.None, true, false)]
    [InlineData(ChannelCompression.Deflate, false, false)]
    [InlineData(ChannelCompression.Brotli, true, true)]
    [InlineData(ChannelCompression.None, true, true)]
    public void A_frame_written_for_a_version_1_peer_is_the_frame_encoded_without_fields(ChannelCompression compression, bool large, bool relayed)
    {
        object message = large ? string.Concat(Enumerable.Repeat("spread over several buffer segments ", 20_000)) : "small";
        var target = new Pid(Self, 99);
        Encode(target, message, compression, FrameExtensions.None, out OutboundFrame plain, relayed);
        Encode(target, message, compression, Full(), out OutboundFrame extended, relayed);
        Assert.NotEqual(0, extended.ExtensionsLength);

        byte[] expected = Written(output => FrameCodec.WriteFrame(output, plain.Body));
        byte[] stripped = Written(output => FrameCodec.WriteFrameWithoutExtensions(output, extended.Body, extended.ExtensionsAt, extended.ExtensionsLength));

        Assert.Equal(expected, stripped);
        OutboundFrame.Return(plain);
        OutboundFrame.Return(extended);
    }

    [Fact]
    public void A_relay_hop_finds_the_fields_of_the_inner_message()
    {
        byte[] body = Encode(new Pid(Self, 1), "x", ChannelCompression.None, Full(), out OutboundFrame frame);

        Assert.True(MessageCodec.TryLocateExtensions(new ReadOnlySequence<byte>(body), WireContext.Default, out int length));
        Assert.Equal(frame.ExtensionsLength, length);
        Assert.Equal(1, frame.ExtensionsAt);
        Assert.False(MessageCodec.TryLocateExtensions(new ReadOnlySequence<byte>(RawPeer.MessageBody(1, (ref WireWriter w) => w.WriteObject("x"))), WireContext.Default, out _));
        OutboundFrame.Return(frame);
    }

    /// <summary>A message body with the extension flag and <paramref name="block"/> written as the block (its length prefix included).</summary>
    internal static byte[] WithBlock(long pid, RawPeer.WireWrite block, object message)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteByte((byte)FrameType.Message);
        writer.WriteByte((byte)MessageFlags.HasExtensions);
        block(ref writer);
        writer.WriteVarInt64(pid);
        writer.WriteObject(message);
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>A message body whose block holds what <paramref name="fields"/> writes (the length prefix computed).</summary>
    internal static byte[] WithFields(long pid, RawPeer.WireWrite fields, object message)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        fields(ref writer);
        writer.Flush();
        byte[] block = buffer.ToArray();
        return WithBlock(pid, (ref WireWriter w) => { w.WriteVarUInt32((uint)block.Length); w.WriteRaw(block); }, message);
    }

    internal static void Field(ref WireWriter w, uint id, ReadOnlySpan<byte> value)
    {
        w.WriteVarUInt32(id);
        w.WriteVarUInt32((uint)value.Length);
        w.WriteRaw(value);
    }

    [Fact]
    public void Unknown_field_ids_are_skipped_by_their_length()
    {
        byte[] body = WithFields(5, (ref WireWriter w) =>
        {
            Field(ref w, 999, new byte[200]);
            Field(ref w, 1, [42]);
            Field(ref w, 0, []);
            Field(ref w, 100_000, [1, 2]);
        }, "after unknown fields");

        (ProcessRef target, object? message, FrameExtensions extensions) = Decode(body, V2);

        Assert.Equal(5, target.Id);
        Assert.Equal("after unknown fields", message);
        Assert.Equal(42UL, extensions.AckId);
        Assert.Null(extensions.TraceContext);
    }

    public static TheoryData<string, byte[]> MalformedBlocks => new()
    {
        { "more than the limit", WithBlock(1, (ref WireWriter w) => w.WriteVarUInt32(FrameExtensionsCodec.MaxBytes + 1), "x") },
        { "more than the frame holds", WithBlock(1, (ref WireWriter w) => w.WriteVarUInt32(5000), "x") },
        { "runs past the end", WithBlock(1, (ref WireWriter w) => { w.WriteVarUInt32(3); w.WriteVarUInt32(999); w.WriteVarUInt32(50); w.WriteByte(0); }, "x") },
        { "appears twice", WithBlock(1, (ref WireWriter w) => { w.WriteVarUInt32(6); Field(ref w, 1, [1]); Field(ref w, 1, [2]); }, "x") },
        { "does not match its declared length", WithBlock(1, (ref WireWriter w) => { w.WriteVarUInt32(4); Field(ref w, 1, [1, 2]); }, "x") },
        { "does not match its declared length", WithBlock(1, (ref WireWriter w) => { w.WriteVarUInt32(12); Field(ref w, 3, new byte[10]); }, "x") },
        { "does not match its declared length", WithBlock(1, (ref WireWriter w) => { w.WriteVarUInt32(30); Field(ref w, 3, new byte[28]); }, "x") },
    };

    [Theory]
    [MemberData(nameof(MalformedBlocks))]
    public void A_malformed_block_is_a_protocol_error(string why, byte[] body)
    {
        var error = Assert.Throws<ProtocolException>(() => Decode(body, V2));

        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void The_extension_flag_on_a_version_1_connection_is_an_unknown_flag()
    {
        byte[] body = Encode(new Pid(Self, 1), "x", ChannelCompression.None, Full(), out OutboundFrame frame);
        OutboundFrame.Return(frame);

        Assert.Contains("Unknown message flags", Assert.Throws<ProtocolException>(() => Decode(body, V1)).Message);
    }

    [Fact]
    public void An_invalid_trace_context_is_ignored_as_W3C_asks()
    {
        byte[] zeroTraceId = new byte[26];
        zeroTraceId[20] = 1; // a span id, but no trace id
        byte[] body = WithBlock(1, (ref WireWriter w) => { w.WriteVarUInt32(28); Field(ref w, 3, zeroTraceId); }, "x");

        (_, object? message, FrameExtensions extensions) = Decode(body, V2);

        Assert.Equal("x", message);
        Assert.Null(extensions.TraceContext);
    }

    [Fact]
    public void Raw_fields_must_be_well_formed_and_of_undefined_ids()
    {
        var extensions = default(FrameExtensions);

        Assert.Throws<ArgumentException>(() => extensions.RawFields = new byte[] { 1, 1, 7 }); // the ack id has a property
        Assert.Throws<ArgumentException>(() => extensions.RawFields = new byte[] { 200, 1, 5, 1 }); // truncated
        extensions.RawFields = new byte[] { 99, 2, 7, 7 };
        Assert.False(extensions.IsEmpty);
        extensions.RawFields = null;
        Assert.True(extensions.IsEmpty);
    }

    [Fact]
    public void Fields_larger_than_the_limit_fail_at_the_sender()
    {
        var extensions = default(FrameExtensions);
        extensions.CausalClock = new byte[FrameExtensionsCodec.MaxBytes];
        OutboundFrame frame = OutboundFrame.Rent();

        Assert.Throws<MessageTooLargeException>(() => Codec.EncodeMessage(frame, new Pid(Self, 1), "x", ChannelCompression.None, extensions));
        OutboundFrame.Return(frame);
    }
}
