using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Connections;

/// <summary>
/// An authenticated connection serving one <see cref="ConnectionSlot"/>. One writer loop drains the
/// slot's queue into the pipe and flushes once per batch; one reader loop cuts frames from the pipe
/// and hands them to the <see cref="IInboundHandler"/>; the node's keep-alive timer pings when the peer is silent
/// and closes the connection when it stays silent.
/// </summary>
/// <remarks>
/// A batch's frames go back to the pool only once its flush has completed; when the connection fails, frames
/// whose flush never started are put back at the front of the slot's queue for the next connection, and a batch
/// whose flush started and failed is dropped (part of it may have reached the peer: sent once or lost, never
/// twice). A
/// connection that replaces another starts writing only after its predecessor's writer has stopped, and
/// delivers what it reads only after its predecessor's reader has stopped, so a replacement neither loses
/// nor reorders messages of a connected pair.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The CancellationTokenSource has no timer; Close may be called after the loops end, so it is never disposed.")]
internal sealed partial class PeerConnection
{
    private const string PeerClosed = "peer_closed";

    private readonly ITransportConnection _transport;
    private readonly IConnectionOwner _owner;
    private readonly IInboundHandler _inbound;
    private readonly MessageCodec _codec;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly KeepAliveOptions _keepAlive;
    private readonly int _maxFrameSize;
    private readonly NodeName _self;
    private readonly MessageFlags _allowedFlags;
    private readonly bool _writesExtensions;
    private readonly FrameSealer? _sealer;
    private readonly FrameOpener? _opener;
    private readonly WireBuffer? _record; // the batch being written, when frames are protected
    private readonly int _fragmentSize; // 0: frames go out whole (a peer older than version 3)
    private readonly FragmentReassembler? _reassembler;
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<OutboundFrame> _priority = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastReceived;
    private int _pingsUnanswered;
    private string? _closeReason;

    private volatile bool _retiring;
    private volatile bool _started;
    private Task? _run;

    public PeerConnection(
        ITransportConnection transport,
        NodeSpec peer,
        ConnectionSlot slot,
        bool outbound,
        IConnectionOwner owner,
        IInboundHandler inbound,
        MessageCodec codec,
        PartisanMetrics metrics,
        ILogger logger,
        TimeProvider time,
        KeepAliveOptions keepAlive,
        int maxFrameSize,
        NodeName self,
        int protocolVersion,
        FrameKeys? keys = null,
        int fragmentSize = 0)
    {
        _transport = transport;
        Peer = peer;
        Slot = slot;
        IsOutbound = outbound;
        _owner = owner;
        _inbound = inbound;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _keepAlive = keepAlive;
        _maxFrameSize = maxFrameSize;
        _self = self;
        ProtocolVersion = protocolVersion;
        _allowedFlags = MessageCodec.FlagsFor(protocolVersion);
        _writesExtensions = protocolVersion >= ProtocolVersions.Extensions;
        if (protocolVersion >= ProtocolVersions.Fragments)
        {
            _fragmentSize = fragmentSize;
            _reassembler = new FragmentReassembler(maxFrameSize);
        }

        if (keys is not null)
        {
            Protection = keys.Mode;
            _sealer = new FrameSealer(keys.Mode, keys.SendKey(outbound));
            _opener = new FrameOpener(keys.Mode, keys.ReceiveKey(outbound));
            _record = new WireBuffer(64 * 1024);
        }

        _lastReceived = time.GetTimestamp();
    }

    /// <summary>Fault injection, or null: its hooks cost one null check per frame when off, and a flag check (<see cref="Faults.FaultInjector.FramesActive"/>) while no frame rule or partition is in force.</summary>
    public Faults.FaultInjector? Faults { get; init; }

    /// <summary>How this connection's frames are protected (agreed in the handshake).</summary>
    public FrameProtection Protection { get; }

    /// <summary>The protocol version the handshake settled on; what this connection writes and accepts follows it.</summary>
    public int ProtocolVersion { get; }

    public NodeSpec Peer { get; }

    public ConnectionSlot Slot { get; }

    public string ChannelName => Slot.Channel.Name;

    /// <summary>True when this node opened the connection.</summary>
    public bool IsOutbound { get; }

    /// <summary>The node that opened the connection.</summary>
    public NodeName Initiator => IsOutbound ? _self : Peer.Name;

    public bool IsClosed => _closeReason is not null;

    /// <summary>True once it was replaced: it finishes what it has taken, says goodbye, and stops.</summary>
    public bool IsRetiring => _retiring;

    /// <summary>Pings sent since the last frame arrived (for diagnostics and tests).</summary>
    internal int PingsUnanswered => Volatile.Read(ref _pingsUnanswered);

    public string RemoteEndPoint => _transport.RemoteEndPoint;

    /// <summary>Completes when the writer loop has stopped (nothing more will be taken from the slot's queue).</summary>
    public Task WriterStopped => _writerDone.Task;

    /// <summary>Completes when the reader loop has stopped (nothing more will be delivered).</summary>
    public Task ReaderStopped => _readerDone.Task;

    /// <summary>
    /// Starts the loops; the owner hears of the end through <see cref="IConnectionOwner.ConnectionClosed"/>. With a
    /// <paramref name="predecessor"/> (the connection this one replaces), writing waits for its writer and delivery
    /// for its reader.
    /// </summary>
    public void Start(PeerConnection? predecessor = null)
    {
        _metrics.ConnectionOpened(ChannelName);
        MarkStarted();
        _started = true;
        _run = RunAsync(predecessor);
    }

    /// <summary>Closes the connection now; queued frames (and frames taken whose flush never started) stay in the slot for the next connection.</summary>
    public void Close(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        if (_run is null)
        {
            // Never started (a reservation during a handshake): nothing will run, so nothing waits on it.
            _writerDone.TrySetResult();
            _readerDone.TrySetResult();
            DisposeCiphers();
        }

        _stop.Cancel();
        Slot.Queue.Wake(); // after the cancel: the writer waits on its queue without a token
        _transport.Input.CancelPendingRead();
    }

    /// <summary>Sends a goodbye after what is already queued, then closes.</summary>
    public void CloseGracefully()
    {
        OutboundFrame goodbye = OutboundFrame.Rent();
        goodbye.IsGoodbye = true;
        goodbye.Body.GetSpan(1)[0] = (byte)FrameType.Goodbye;
        goodbye.Body.Advance(1);
        Slot.Queue.EnqueueUnbounded(goodbye);
    }

    /// <summary>
    /// This connection was replaced by another for the same slot: it flushes the batch it has taken, takes nothing
    /// more, sends a goodbye, reads until the peer's goodbye (bounded by the keep-alive's dead time), then closes.
    /// </summary>
    public void Retire()
    {
        if (_run is null)
        {
            Close("replaced");
            return;
        }

        _retiring = true;
        Slot.Queue.Wake();

        // The loops end by themselves once both goodbyes have crossed (RunAsync): closing as soon as the reader stopped
        // cancelled a writer still flushing its last batch, which was then lost. This only bounds a peer that never answers.
        _ = Task.WhenAll(WriterStopped, ReaderStopped).WaitAsync(RetireLimit, _time).ContinueWith(
            static (t, s) =>
            {
                if (!t.IsCompletedSuccessfully)
                {
                    ((PeerConnection)s!).Close("replaced");
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>How long a retiring connection may take to exchange goodbyes before it is closed regardless.</summary>
    private TimeSpan RetireLimit => _keepAlive.Enabled ? _keepAlive.DeadAfter : TimeSpan.FromSeconds(10);

    public Task Completion => _run ?? Task.CompletedTask;

    private async Task RunAsync(PeerConnection? predecessor)
    {
        Task writer = Task.Run(() => WriterLoopAsync(predecessor));
        Task reader = Task.Run(() => ReaderLoopAsync(predecessor));
        Task first = await Task.WhenAny(writer, reader).ConfigureAwait(false);
        if (!_stop.IsCancellationRequested)
        {
            if (first == writer && _retiring)
            {
                // Replaced: our goodbye is out; read what the peer still sends on this connection until its goodbye.
                await reader.ConfigureAwait(false);
            }
            else if (first == reader && ReferenceEquals(Volatile.Read(ref _closeReason), PeerClosed))
            {
                // The peer said goodbye first (it was replaced, or leaves) and reads until ours. Cancelling our writer now
                // would cut the batch it is flushing: part of it reaches the peer and the rest is lost (a replacement under
                // a stream lost 1,025 messages that way). So finish that batch, say goodbye, and leave the rest queued.
                _retiring = true;
                Slot.Queue.Wake();
                try
                {
                    await writer.WaitAsync(RetireLimit, _time).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }
        }

        Close("connection_closed");

        try
        {
            await Task.WhenAll(writer, reader).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ConnectionLoopFailed(_logger, Peer.Name, ChannelName, Slot.Index, ex);
        }

        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ConnectionLoopFailed(_logger, Peer.Name, ChannelName, Slot.Index, ex);
        }

        while (_priority.TryDequeue(out OutboundFrame? frame))
        {
            OutboundFrame.Return(frame);
        }

        DisposeCiphers();
        _metrics.ConnectionClosed(ChannelName);
        _owner.ConnectionClosed(this, _closeReason ?? "connection_closed");
    }

    private void DisposeCiphers()
    {
        _sealer?.Dispose();
        _opener?.Dispose();
        _record?.Dispose();
    }

    private async Task ReaderLoopAsync(PeerConnection? predecessor)
    {
        PipeReader input = _transport.Input;
        CancellationToken ct = _stop.Token;
        // A protected record holds a writer's batch: under MaxBatchBytes, plus the frame that crossed it.
        int maxFrame = _opener is null ? _maxFrameSize : checked(_maxFrameSize + (2 * MaxBatchBytes) + FrameCipher.TagSize);
        try
        {
            if (predecessor is not null)
            {
                await predecessor.ReaderStopped.WaitAsync(ct).ConfigureAwait(false);
            }

            while (true)
            {
                ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    return;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                long messages = 0;
                long bytes = 0;
                try
                {
                    while (FrameCodec.TryReadFrame(ref buffer, maxFrame, out ReadOnlySequence<byte> frame))
                    {
                        bytes += frame.Length + FrameCodec.HeaderSize;
                        if (_opener is not null)
                        {
                            messages += OpenAndDispatch(frame);
                        }
                        else if (Dispatch(frame))
                        {
                            messages++;
                        }

                        if (_closeReason is not null)
                        {
                            return;
                        }
                    }
                }
                catch (ProtocolException ex)
                {
                    Log.ProtocolError(_logger, Peer.Name, ChannelName, Slot.Index, ex.Message);
                    Interlocked.CompareExchange(ref _closeReason, "protocol_error", null);
                    return;
                }
                finally
                {
                    if (bytes > 0)
                    {
                        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                        Volatile.Write(ref _pingsUnanswered, 0);
                        CountReceived(messages, bytes);
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            if (ex is not (IOException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException))
            {
                Log.ConnectionLoopFailed(_logger, Peer.Name, ChannelName, Slot.Index, ex);
            }

            Interlocked.CompareExchange(ref _closeReason, "connection_closed", null);
        }
        finally
        {
            _reassembler?.Reset(); // a message cut short by the connection's end is dropped, never delivered in part
            _readerDone.TrySetResult();
        }
    }

    /// <summary>
    /// Checks and opens a protected record (one writer batch: one or more frames under one tag), then handles its frames
    /// in order; returns how many were user messages. An opened record may live in a pooled buffer, given back when
    /// dispatch returns: nothing dispatch hands on keeps a reference to the frame's bytes.
    /// </summary>
    /// <exception cref="ProtocolException">The record fails authentication, or a frame in it is malformed or cut short.</exception>
    private int OpenAndDispatch(ReadOnlySequence<byte> record)
    {
        ReadOnlySequence<byte> body = _opener!.Open(record, out byte[]? rented);
        try
        {
            int messages = 0;
            while (FrameCodec.TryReadFrame(ref body, _maxFrameSize, out ReadOnlySequence<byte> frame))
            {
                if (Dispatch(frame))
                {
                    messages++;
                }

                if (_closeReason is not null)
                {
                    return messages;
                }
            }

            if (body.Length != 0)
            {
                throw new ProtocolException($"A protected record ends inside a frame ({body.Length} bytes left over).");
            }

            return messages;
        }
        finally
        {
            FrameCipher.Release(rented);
        }
    }

    /// <summary>Handles one frame (unless fault injection loses it, or handles it twice); returns true when it was a user message.</summary>
    private bool Dispatch(ReadOnlySequence<byte> frame)
    {
        if (Faults is { FramesActive: true } faults && frame.FirstSpan.Length > 0 && frame.FirstSpan[0] is (byte)FrameType.Message or (byte)FrameType.Control or (byte)FrameType.Relay)
        {
            if (faults.DropsReceivedFrame(Peer.Name, ChannelName, out bool twice))
            {
                return false;
            }

            if (twice)
            {
                DispatchOnce(frame);
            }
        }

        return DispatchOnce(frame);
    }

    private bool DispatchOnce(ReadOnlySequence<byte> frame)
    {
        var reader = new WireReader(frame, _codec.Context);
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
                return FrameDispatch.Message(ref reader, _codec, _self, Peer.Name, Slot.Channel, _allowedFlags, _inbound);
            case FrameType.Control:
                FrameDispatch.Control(ref reader, Peer.Name, ChannelName, _inbound);
                return false;
            case FrameType.Relay:
                _inbound.HandleRelay(Peer.Name, Slot.Channel, _allowedFlags, ref reader);
                return false;
            case FrameType.Ping:
                SendPriority(FrameType.Pong, ReadTimestamp(ref reader));
                return false;
            case FrameType.Pong:
                ReadTimestamp(ref reader);
                return false;
            case FrameType.Goodbye:
                Interlocked.CompareExchange(ref _closeReason, PeerClosed, null);
                return false;
            case FrameType.Fragment when _reassembler is not null:
                return Reassemble(ref reader);
            default:
                throw new ProtocolException($"Unexpected frame type {(byte)type}.");
        }
    }

    /// <summary>
    /// Adds a fragment to its message; when it completes one, handles the whole body as a frame read from the wire (fault
    /// injection sees it once, as one frame) from the pooled reassembly buffer, given back after.
    /// </summary>
    private bool Reassemble(ref WireReader reader)
    {
        if (_reassembler!.Add(ref reader) is not { } complete)
        {
            return false;
        }

        try
        {
            ReadOnlySequence<byte> body = complete.Body;
            byte inner = body.FirstSpan[0];
            if (inner is not ((byte)FrameType.Message or (byte)FrameType.Control or (byte)FrameType.Relay))
            {
                throw new ProtocolException($"A reassembled message holds a frame of type {inner}; only Message, Control and Relay frames are fragmented.");
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

    public override string ToString() => $"{Peer.Name} {ChannelName}/{Slot.Index} ({(IsOutbound ? "out" : "in")})";
}
