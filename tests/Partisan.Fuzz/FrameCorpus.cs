using System.Buffers;
using System.IO.Pipelines;
using Partisan.Calls;
using Partisan.Channels;
using Partisan.Membership;
using Partisan.Monitoring;
using Partisan.Routing;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Fuzz;

/// <summary>One valid frame (length header included) and what it carries.</summary>
/// <param name="Name">What the frame is, for reports.</param>
/// <param name="Bytes">The frame as it goes on the wire.</param>
/// <param name="Target">The message's target on the reading node, or null for a frame that is not a message to this node.</param>
/// <param name="Value">The message or control message the frame carries (null for the rest).</param>
internal sealed record CorpusFrame(string Name, byte[] Bytes, ProcessRef? Target, object? Value);

/// <summary>
/// Valid frames built by the runtime's own encoders (<see cref="MessageCodec"/>, <see cref="RelayHeader"/>,
/// <see cref="FrameCodec.WriteFrame"/>): every frame type a connection carries after the handshake, messages to pids
/// and to names, plain, Deflate and Brotli payloads, both remote reference forms, every control message, relays to
/// this node and through it. The seeds the fuzzers mutate.
/// </summary>
internal static class FrameCorpus
{
    private static readonly NodeName Self = FrameDecoderTarget.Self;
    private static readonly NodeName Peer = FrameDecoderTarget.Peer;
    private static readonly NodeName Far = NodeName.Parse("far@127.0.0.1");

    /// <summary>Built-in values of every shape the codec knows, as user messages.</summary>
    public static IReadOnlyList<object> SampleValues { get; } =
    [
        42,
        -7L,
        ulong.MaxValue,
        3.25,
        1.5f,
        79228162514264337593543950335m,
        'x',
        true,
        (byte)200,
        (short)-300,
        "hello",
        string.Empty,
        "ünïcødé ✓",
        new byte[] { 1, 2, 3, 4 },
        new ReadOnlyMemory<byte>([9, 8, 7]),
        Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
        new DateTime(2026, 12, 4, 10, 30, 0, DateTimeKind.Utc),
        new DateTimeOffset(2026, 12, 4, 10, 30, 0, TimeSpan.FromHours(2)),
        TimeSpan.FromMilliseconds(1234),
        new Pid(Peer, 17),
        new Ref(Self, 99),
        ProcessRef.ForName("inbox", Far),
        RemoteRef.FromPid(new Pid(Far, 3)),
        ExitReason.Killed,
        ExitReason.FromException(new InvalidOperationException("boom")),
        new Down(new Ref(Peer, 5), new Pid(Peer, 6), ExitReason.NoConnection),
        new NodeUp(Peer),
        new NodeDown(Far, "noconnection"),
        new long[] { 1, -1, long.MaxValue },
        new List<string> { "a", "b", "c" },
        new List<Pid> { new(Peer, 1), new(Far, 2) },
        new double?[] { 1.0, null, 3.0 },
        new HashSet<int> { 1, 2, 3 },
        new Dictionary<long, string> { [1] = "one", [2] = "two" },
        new List<Dictionary<string, int[]>> { new() { ["k"] = [1, 2] } },
        new object?[] { 1, "two", null, new List<int> { 3 } },
        new Dictionary<string, object?> { ["n"] = 1, ["s"] = "v", ["l"] = new List<long> { 2 } },
        (int?)5,
        new CastRequest("cast"),
        new CallRequest(new Ref(Peer, 7), "question"),
        new StopRequest(ExitReason.Shutdown),
    ];

    /// <summary>
    /// Builds the frames with <paramref name="target"/>'s context (and the URI reference form for some), each
    /// <paramref name="extraMessages"/> (user types registered in that context) included as a message.
    /// </summary>
    public static IReadOnlyList<CorpusFrame> Build(FrameDecoderTarget target, IEnumerable<object>? extraMessages = null)
    {
        var uriContext = new WireContext(target.Context.Registry, RemoteRefFormat.Uri, remoteRefUriPadding: true);
        var uriCodec = new MessageCodec(uriContext, target.MaxFrameSize, 512);
        var frames = new List<CorpusFrame>();
        var toPid = new Pid(Self, 1);
        ProcessRef toName = ProcessRef.ForName("inbox", Self);

        foreach (object value in SampleValues.Concat(extraMessages ?? []))
        {
            string name = value.GetType().Name;
            frames.Add(Message($"message {name} to a pid", target.Codec, toPid, value, ChannelCompression.None));
            frames.Add(Message($"message {name} to a name", target.Codec, toName, value, ChannelCompression.None));
        }

        frames.Add(Message("message with URI references", uriCodec, toPid, new Down(new Ref(Peer, 1), ProcessRef.ForName("w", Peer), ExitReason.Normal), ChannelCompression.None));
        string large = string.Concat(Enumerable.Repeat("compressible payload ", 64));
        frames.Add(Message("Deflate message", target.Codec, toPid, large, ChannelCompression.Deflate));
        frames.Add(Message("Brotli message", target.Codec, toName, new List<string> { large, large }, ChannelCompression.Brotli));
        frames.Add(Message("small message on a compressing channel", target.Codec, toPid, "short", ChannelCompression.Brotli));

        foreach (object control in ControlMessages())
        {
            frames.Add(Control($"control {control.GetType().Name}", target.Codec, control));
        }

        frames.Add(Relay("relay of a message to this node", target.Codec, new RelayHeader(Self, Far, 4, 77), frame => target.Codec.EncodeMessage(frame, toPid, "relayed", ChannelCompression.None), toPid, "relayed"));
        var reply = new CallReply(new Ref(Far, 3), 12);
        frames.Add(Relay("relay of a control message to this node", target.Codec, new RelayHeader(Self, Far, 2, -5), frame => target.Codec.EncodeControl(frame, reply), null, reply));
        frames.Add(Relay("relay through this node", target.Codec, new RelayHeader(Far, Peer, 5, 1), frame => target.Codec.EncodeMessage(frame, new Pid(Far, 9), "onward", ChannelCompression.None), null, null));
        frames.Add(Relay("relay with no hops left", target.Codec, new RelayHeader(Far, Peer, 1, 1), frame => target.Codec.EncodeControl(frame, reply), null, null));

        frames.Add(Raw("ping", [(byte)FrameType.Ping, 1, 2, 3, 4, 5, 6, 7, 8]));
        frames.Add(Raw("pong", [(byte)FrameType.Pong, 8, 7, 6, 5, 4, 3, 2, 1]));
        frames.Add(Raw("goodbye", [(byte)FrameType.Goodbye]));
        return frames;
    }

    private static IEnumerable<object> ControlMessages()
    {
        var spec = new NodeSpec(Peer, [new ListenAddress("127.0.0.1", 4370)], [ChannelOptions.Default, ChannelOptions.Membership], 3);
        var other = new NodeSpec(Far, [new ListenAddress("127.0.0.1", 4371)], [ChannelOptions.Default, ChannelOptions.Membership, new ChannelOptions("bulk", 4, monotonic: true, ChannelCompression.Brotli)], 1);
        yield return new CallReply(new Ref(Self, 1), "answer");
        yield return new CallReply(new Ref(Self, 2), null);
        yield return new CallFailure(new Ref(Self, 3), ExitReason.NoProc, "System.InvalidOperationException", "no");
        yield return new MonitorRequest(new Ref(Peer, 4), new Pid(Peer, 5), ProcessRef.ForName("svc", Self));
        yield return new DemonitorRequest(new Ref(Peer, 4), new Pid(Self, 6));
        yield return new DownNotice(new Ref(Self, 7), new Pid(Self, 8), new Pid(Peer, 9), ExitReason.Killed);
        yield return new ExitSignal(new Pid(Self, 10), ExitReason.Shutdown);
        yield return new MembershipMessage(MembershipState.Create(spec).Add(other));
        yield return new MembershipMessage(0x0123_4567_89AB_CDEFUL);
        yield return spec;
    }

    private static CorpusFrame Message(string name, MessageCodec codec, ProcessRef target, object value, ChannelCompression compression) =>
        Encode(name, frame => codec.EncodeMessage(frame, target, value, compression), target, value);

    private static CorpusFrame Control(string name, MessageCodec codec, object value) =>
        Encode(name, frame => codec.EncodeControl(frame, value), null, value);

    private static CorpusFrame Relay(string name, MessageCodec codec, RelayHeader header, Action<OutboundFrame> inner, ProcessRef? target, object? value) =>
        Encode(
            name,
            frame =>
            {
                var writer = new WireWriter(frame.Body, codec.Context);
                header.Write(ref writer);
                writer.Flush();
                inner(frame);
            },
            target,
            value);

    private static CorpusFrame Raw(string name, byte[] body) =>
        Encode(name, frame => frame.Body.Write(body), null, null);

    private static CorpusFrame Encode(string name, Action<OutboundFrame> encode, ProcessRef? target, object? value)
    {
        OutboundFrame frame = OutboundFrame.Rent();
        try
        {
            encode(frame);
            return new CorpusFrame(name, ToWire(frame.Body), target, value);
        }
        finally
        {
            OutboundFrame.Return(frame);
        }
    }

    /// <summary>The frame for <paramref name="body"/> as <see cref="FrameCodec.WriteFrame"/> puts it on a connection.</summary>
    public static byte[] ToWire(WireBuffer body)
    {
        using var stream = new MemoryStream();
        PipeWriter writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        FrameCodec.WriteFrame(writer, body);
        writer.FlushAsync().AsTask().GetAwaiter().GetResult(); // a MemoryStream completes at once
        writer.Complete();
        return stream.ToArray();
    }

    /// <summary>The frame whose body is <paramref name="body"/>.</summary>
    public static byte[] ToWire(ReadOnlySpan<byte> body)
    {
        using var buffer = new WireBuffer(Math.Max(16, body.Length));
        buffer.Write(body);
        return ToWire(buffer);
    }
}
