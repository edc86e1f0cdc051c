using System.Buffers;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Routing;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Fuzz;

/// <summary>How one input ended.</summary>
internal enum FuzzOutcome
{
    /// <summary>Every byte was cut into frames and handled.</summary>
    Consumed,

    /// <summary>The input ends inside a frame: a connection would wait for more bytes.</summary>
    NeedMoreBytes,

    /// <summary>A <see cref="ProtocolException"/>: a connection would close (that connection only).</summary>
    ProtocolError,

    /// <summary>A goodbye frame: a connection would stop reading.</summary>
    Goodbye,
}

/// <summary>
/// What a node does with the bytes of a connection after the handshake, without a socket: frames are cut with
/// <see cref="FrameCodec.TryReadFrame"/> and dispatched by type as <c>PeerConnection.Dispatch</c> does; message and
/// control bodies go through <see cref="FrameDispatch"/> (<see cref="MessageCodec"/> header and payload, the
/// <see cref="WireReader"/> and the <see cref="TypeRegistry"/>'s object decoding, compressed payloads included), relay
/// frames as <c>InboundDispatcher.HandleRelay</c> and <c>Router.RelayOnward</c> handle them.
/// </summary>
/// <remarks>
/// Expected for bad input, as the node treats it: a <see cref="ProtocolException"/> escaping a frame (the reader loop
/// closes the connection), and <see cref="WireFormatException"/> or <see cref="TypeRegistrationException"/> inside a
/// payload (<see cref="FrameDispatch"/> drops that message and the connection goes on). Any other exception escapes
/// <see cref="Run(ReadOnlyMemory{byte})"/>: for the fuzzer, a crash. The switch on the frame type mirrors
/// <c>PeerConnection.Dispatch</c> (private to the connection): keep the two in step.
/// </remarks>
internal sealed class FrameDecoderTarget
{
    /// <summary>The node that reads.</summary>
    public static readonly NodeName Self = NodeName.Parse("fuzz@127.0.0.1");

    /// <summary>The peer at the other end of the connection.</summary>
    public static readonly NodeName Peer = NodeName.Parse("peer@127.0.0.1");

    private readonly Handler _handler;
    private readonly FragmentReassembler _reassembler;

    /// <summary>A target with a node's defaults (MaxFrameSize, CompressionThreshold) and a fresh registry unless one is given.</summary>
    public FrameDecoderTarget(TypeRegistry? registry = null, int? maxFrameSize = null)
    {
        var defaults = new PartisanOptions();
        MaxFrameSize = maxFrameSize ?? defaults.MaxFrameSize;
        Context = new WireContext(registry ?? new TypeRegistry());
        Codec = new MessageCodec(Context, MaxFrameSize, defaults.CompressionThreshold);
        _handler = new Handler(this);
        _reassembler = new FragmentReassembler(MaxFrameSize);
    }

    /// <summary>The channel the connection serves: one that compresses, so compressed payloads are decoded (a channel that does not refuses them).</summary>
    public ChannelOptions Channel { get; } = new(ChannelOptions.DefaultName, compression: ChannelCompression.Deflate);

    /// <summary>The message flags a connection at the newest protocol version accepts (header fields included).</summary>
    public static MessageFlags Allowed { get; } = MessageCodec.FlagsFor(ProtocolVersions.Newest);

    public WireContext Context { get; }

    public MessageCodec Codec { get; }

    public int MaxFrameSize { get; }

    public FuzzStats Stats { get; } = new();

    /// <summary>When set, every message and control message handed on is passed to it (tests compare them).</summary>
    public Action<NodeName, ProcessRef?, object?>? OnDelivered { get; set; }

    /// <summary>
    /// Feeds one fuzz input: its first byte says how the rest arrives (0: in one read; n: in reads of n bytes, so
    /// frames, headers and values straddle segments as they do when a socket delivers them in pieces).
    /// </summary>
    public FuzzOutcome Run(ReadOnlyMemory<byte> input) =>
        input.IsEmpty ? FuzzOutcome.NeedMoreBytes : RunStream(Segments.Split(input[1..], input.Span[0]));

    /// <inheritdoc cref="Run(ReadOnlyMemory{byte})"/>
    public FuzzOutcome Run(byte[] input) => Run(input.AsMemory());

    /// <summary>Feeds the bytes a connection received, as its reader loop would (frame after frame, until a partial one).</summary>
    public FuzzOutcome RunStream(ReadOnlySequence<byte> buffer)
    {
        Stats.Inputs++;
        try
        {
            while (FrameCodec.TryReadFrame(ref buffer, MaxFrameSize, out ReadOnlySequence<byte> frame))
            {
                Stats.Frames++;
                if (!Dispatch(frame))
                {
                    Stats.Goodbyes++;
                    return FuzzOutcome.Goodbye;
                }
            }
        }
        catch (ProtocolException)
        {
            Stats.ProtocolErrors++;
            return FuzzOutcome.ProtocolError;
        }
        finally
        {
            _reassembler.Reset(); // the connection ends with the input: incomplete messages are dropped
        }

        return buffer.IsEmpty ? FuzzOutcome.Consumed : FuzzOutcome.NeedMoreBytes;
    }

    // PeerConnection.Dispatch, without the connection: false for a goodbye.
    private bool Dispatch(ReadOnlySequence<byte> frame)
    {
        var reader = new WireReader(frame, Context);
        FrameType type;
        try
        {
            type = (FrameType)reader.ReadByte();
        }
        catch (WireFormatException ex)
        {
            throw new ProtocolException("Malformed frame: " + ex.Message, ex);
        }

        switch (type)
        {
            case FrameType.Message:
                FrameDispatch.Message(ref reader, Codec, Self, Peer, Channel, Allowed, _handler);
                return true;
            case FrameType.Control:
                FrameDispatch.Control(ref reader, Peer, Channel.Name, _handler);
                return true;
            case FrameType.Relay:
                _handler.HandleRelay(Peer, Channel, Allowed, ref reader);
                return true;
            case FrameType.Ping:
            case FrameType.Pong:
                ReadTimestamp(ref reader);
                Stats.Pings++;
                return true;
            case FrameType.Goodbye:
                return false;
            case FrameType.Fragment:
                return Reassemble(ref reader);
            default:
                throw new ProtocolException($"Unexpected frame type {(byte)type}.");
        }
    }

    // PeerConnection.Reassemble, without the connection.
    private bool Reassemble(ref WireReader reader)
    {
        if (_reassembler.Add(ref reader) is not { } complete)
        {
            return true;
        }

        try
        {
            ReadOnlySequence<byte> body = complete.Body;
            byte inner = body.FirstSpan[0];
            if (inner is not ((byte)FrameType.Message or (byte)FrameType.Control or (byte)FrameType.Relay))
            {
                throw new ProtocolException($"A reassembled message holds a frame of type {inner}.");
            }

            return Dispatch(body);
        }
        finally
        {
            _reassembler.Release(complete);
        }
    }

    private static long ReadTimestamp(ref WireReader reader)
    {
        try
        {
            return reader.ReadInt64();
        }
        catch (WireFormatException ex)
        {
            throw new ProtocolException("Malformed ping: " + ex.Message, ex);
        }
    }

    /// <summary>The node's side of decoded frames: counts them; relays as the inbound dispatcher and the router do.</summary>
    private sealed class Handler(FrameDecoderTarget owner) : IInboundHandler
    {
        public void DeliverMessage(NodeName from, ProcessRef target, object? message, in FrameExtensions extensions)
        {
            owner.Stats.Messages++;
            owner.OnDelivered?.Invoke(from, target, message);
        }

        public void HandleControl(NodeName from, object? message)
        {
            owner.Stats.Controls++;
            owner.OnDelivered?.Invoke(from, null, message);
        }

        public void MessageDropped(NodeName from, string channel, Exception error)
        {
            owner.Stats.Dropped++;
            owner.Stats.CountDrop(error);
        }

        // InboundDispatcher.HandleRelay.
        public void HandleRelay(NodeName from, ChannelOptions channel, MessageFlags allowed, ref WireReader reader)
        {
            RelayHeader header = RelayHeader.Read(ref reader);
            owner.Stats.Relays++;
            if (header.Destination != Self)
            {
                RelayOnward(header, reader.UnreadSequence);
                return;
            }

            FrameType inner;
            try
            {
                inner = (FrameType)reader.ReadByte();
            }
            catch (WireFormatException ex)
            {
                throw new ProtocolException("Malformed relay frame: " + ex.Message, ex);
            }

            switch (inner)
            {
                case FrameType.Message:
                    FrameDispatch.Message(ref reader, owner.Codec, Self, header.Origin, channel, allowed, this);
                    break;
                case FrameType.Control:
                    FrameDispatch.Control(ref reader, header.Origin, channel.Name, this);
                    break;
                default:
                    throw new ProtocolException($"A relay frame carries frame type {(byte)inner}; only Message and Control are relayed.");
            }
        }

        // Router.RelayOnward, up to the queue: the frame passed one hop on is built and returned to the pool.
        private void RelayOnward(RelayHeader header, ReadOnlySequence<byte> inner)
        {
            if (header.HopsLeft <= 1)
            {
                return;
            }

            OutboundFrame frame = OutboundFrame.Rent();
            try
            {
                var writer = new WireWriter(frame.Body, owner.Context);
                (header with { HopsLeft = (byte)(header.HopsLeft - 1) }).Write(ref writer);
                writer.Flush();
                foreach (ReadOnlyMemory<byte> segment in inner)
                {
                    frame.Body.Write(segment.Span);
                }

                owner.Stats.RelayedOnward++;
            }
            finally
            {
                OutboundFrame.Return(frame);
            }
        }
    }
}

/// <summary>What the target saw, summed over the inputs it was given.</summary>
internal sealed class FuzzStats
{
    private readonly Dictionary<string, long> _drops = new(StringComparer.Ordinal);

    public long Inputs { get; set; }

    public long Frames { get; set; }

    public long Messages { get; set; }

    public long Controls { get; set; }

    public long Relays { get; set; }

    public long RelayedOnward { get; set; }

    public long Pings { get; set; }

    public long Goodbyes { get; set; }

    public long Dropped { get; set; }

    public long ProtocolErrors { get; set; }

    /// <summary>Dropped messages by exception type.</summary>
    public IReadOnlyDictionary<string, long> Drops => _drops;

    public void CountDrop(Exception error)
    {
        string key = error.GetType().Name;
        _drops[key] = _drops.GetValueOrDefault(key) + 1;
    }

    public override string ToString() =>
        $"inputs {Inputs}, frames {Frames}: messages {Messages}, controls {Controls}, relays {Relays} ({RelayedOnward} passed on), pings {Pings}, goodbyes {Goodbyes}, " +
        $"undecodable payloads dropped {Dropped} ({string.Join(", ", _drops.Select(p => $"{p.Key} {p.Value}"))}), protocol errors {ProtocolErrors}";
}

/// <summary>Cuts bytes into a sequence of segments, as a socket's reads deliver them; no copy.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> bytes, int segmentSize)
    {
        if (segmentSize <= 0 || segmentSize >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes[..segmentSize], 0);
        Segment last = first;
        for (int start = segmentSize; start < bytes.Length; start += segmentSize)
        {
            last = last.Append(bytes[start..Math.Min(bytes.Length, start + segmentSize)]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
