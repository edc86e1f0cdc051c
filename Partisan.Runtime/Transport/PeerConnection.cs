using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Serialization;

namespace Partisan.Transport;

/// <summary>
/// An authenticated connection serving one <see cref="ConnectionSlot"/>. One writer loop drains the
/// slot's queue into the pipe and flushes once per batch; one reader loop cuts frames from the pipe
/// and hands messages to mailboxes; a keep-alive timer pings when the peer is silent and closes the
/// connection when it stays silent.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The CancellationTokenSource has no timer; Close may be called after the loops end, so it is never disposed.")]
internal sealed class PeerConnection
{
    private const int MaxBatchBytes = 256 * 1024;

    private readonly ITransportConnection _transport;
    private readonly IConnectionOwner _owner;
    private readonly MessageCodec _codec;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly KeepAliveOptions _keepAlive;
    private readonly int _maxFrameSize;
    private readonly NodeName _self;
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<OutboundFrame> _priority = new();
    private long _lastReceived;
    private int _pingsUnanswered;
    private string? _closeReason;
    private ITimer? _keepAliveTimer;
    private Task? _run;

    public PeerConnection(
        ITransportConnection transport,
        NodeSpec peer,
        ConnectionSlot slot,
        bool outbound,
        IConnectionOwner owner,
        MessageCodec codec,
        PartisanMetrics metrics,
        ILogger logger,
        TimeProvider time,
        KeepAliveOptions keepAlive,
        int maxFrameSize,
        NodeName self)
    {
        _transport = transport;
        Peer = peer;
        Slot = slot;
        IsOutbound = outbound;
        _owner = owner;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _keepAlive = keepAlive;
        _maxFrameSize = maxFrameSize;
        _self = self;
        _lastReceived = time.GetTimestamp();
    }

    public NodeSpec Peer { get; }

    public ConnectionSlot Slot { get; }

    public string ChannelName => Slot.Channel.Name;

    /// <summary>True when this node opened the connection.</summary>
    public bool IsOutbound { get; }

    /// <summary>The node that opened the connection.</summary>
    public NodeName Initiator => IsOutbound ? _self : Peer.Name;

    public bool IsClosed => _closeReason is not null;

    /// <summary>Pings sent since the last frame arrived (for diagnostics and tests).</summary>
    internal int PingsUnanswered => Volatile.Read(ref _pingsUnanswered);

    public string RemoteEndPoint => _transport.RemoteEndPoint;

    /// <summary>Starts the loops; the owner hears of the end through <see cref="IConnectionOwner.ConnectionClosed"/>.</summary>
    public void Start()
    {
        _metrics.ConnectionOpened();
        if (_keepAlive.Enabled)
        {
            TimeSpan period = _keepAlive.Interval < _keepAlive.IdleTimeout ? _keepAlive.Interval : _keepAlive.IdleTimeout;
            _keepAliveTimer = _time.CreateTimer(static s => ((PeerConnection)s!).OnKeepAliveTick(), this, period, period);
        }

        _run = RunAsync();
    }

    /// <summary>Closes the connection now; queued frames stay in the slot for the next connection.</summary>
    public void Close(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _stop.Cancel();
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

    /// <summary>Sends a ping ahead of queued data (used to probe a connection that may be dead).</summary>
    public void Ping() => SendPriority(FrameType.Ping, _time.GetTimestamp());

    public Task Completion => _run ?? Task.CompletedTask;

    private async Task RunAsync()
    {
        Task writer = Task.Run(WriterLoopAsync);
        Task reader = Task.Run(ReaderLoopAsync);
        await Task.WhenAny(writer, reader).ConfigureAwait(false);
        Close("connection_closed");
        if (_keepAliveTimer is not null)
        {
            await _keepAliveTimer.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(writer, reader).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }

        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
        }

        while (_priority.TryDequeue(out OutboundFrame? frame))
        {
            OutboundFrame.Return(frame);
        }

        _metrics.ConnectionClosed();
        _owner.ConnectionClosed(this, _closeReason ?? "connection_closed");
    }

    private async Task WriterLoopAsync()
    {
        PipeWriter output = _transport.Output;
        OutboundQueue queue = Slot.Queue;
        CancellationToken ct = _stop.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                long messages = 0;
                long bytes = 0;
                bool goodbye = false;
                while (_priority.TryDequeue(out OutboundFrame? control))
                {
                    FrameCodec.WriteFrame(output, control.Body);
                    bytes += control.Length + FrameCodec.HeaderSize;
                    OutboundFrame.Return(control);
                }

                while (bytes < MaxBatchBytes && queue.TryDequeue(out OutboundFrame frame))
                {
                    if (ReferenceEquals(frame, OutboundFrame.Wake))
                    {
                        continue;
                    }

                    FrameCodec.WriteFrame(output, frame.Body);
                    bytes += frame.Length + FrameCodec.HeaderSize;
                    if (frame.IsGoodbye)
                    {
                        goodbye = true;
                        OutboundFrame.Return(frame);
                        break;
                    }

                    messages++;
                    OutboundFrame.Return(frame);
                }

                if (bytes > 0)
                {
                    FlushResult flush = await output.FlushAsync(ct).ConfigureAwait(false);
                    if (messages > 0)
                    {
                        _metrics.Sent(ChannelName, messages, bytes);
                    }

                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return;
                    }

                    if (goodbye)
                    {
                        Interlocked.CompareExchange(ref _closeReason, "closed", null);
                        return;
                    }

                    continue;
                }

                if (!await queue.WaitToReadAsync(ct).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            Interlocked.CompareExchange(ref _closeReason, "connection_closed", null);
        }
    }

    private async Task ReaderLoopAsync()
    {
        PipeReader input = _transport.Input;
        CancellationToken ct = _stop.Token;
        try
        {
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
                    while (FrameCodec.TryReadFrame(ref buffer, _maxFrameSize, out ReadOnlySequence<byte> frame))
                    {
                        bytes += frame.Length + FrameCodec.HeaderSize;
                        if (Dispatch(frame))
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
                        _metrics.Received(ChannelName, messages, bytes);
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
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            Interlocked.CompareExchange(ref _closeReason, "connection_closed", null);
        }
    }

    /// <summary>Handles one frame; returns true when it was a user message.</summary>
    private bool Dispatch(ReadOnlySequence<byte> frame)
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
            {
                MessageFlags flags = MessageCodec.ReadHeader(ref reader, _self, out ProcessRef target);
                object? message;
                try
                {
                    message = _codec.ReadPayload(ref reader, flags);
                }
                catch (Exception ex) when (ex is WireFormatException or TypeRegistrationException)
                {
                    _owner.MessageDropped(this, ex);
                    return false;
                }

                _owner.DeliverMessage(this, target, message);
                return true;
            }

            case FrameType.Control:
            {
                object? message;
                try
                {
                    message = reader.ReadObject();
                }
                catch (Exception ex) when (ex is WireFormatException or TypeRegistrationException)
                {
                    _owner.MessageDropped(this, ex);
                    return false;
                }

                _owner.HandleControl(this, message);
                return false;
            }

            case FrameType.Ping:
                SendPriority(FrameType.Pong, ReadTimestamp(ref reader));
                return false;
            case FrameType.Pong:
                ReadTimestamp(ref reader);
                return false;
            case FrameType.Goodbye:
                Interlocked.CompareExchange(ref _closeReason, "peer_closed", null);
                return false;
            default:
                throw new ProtocolException($"Unexpected frame type {(byte)type}.");
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

    private void SendPriority(FrameType type, long timestamp)
    {
        if (IsClosed)
        {
            return;
        }

        OutboundFrame frame = OutboundFrame.Rent();
        Span<byte> span = frame.Body.GetSpan(9);
        span[0] = (byte)type;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], timestamp);
        frame.Body.Advance(9);
        _priority.Enqueue(frame);
        Slot.Queue.Wake();
    }

    private void OnKeepAliveTick()
    {
        if (IsClosed)
        {
            return;
        }

        TimeSpan silence = _time.GetElapsedTime(Volatile.Read(ref _lastReceived));
        if (silence >= _keepAlive.DeadAfter || Volatile.Read(ref _pingsUnanswered) >= _keepAlive.MaxAttempts)
        {
            Log.PingTimeout(_logger, Peer.Name, ChannelName, Slot.Index, silence);
            Close("ping_timeout");
            return;
        }

        if (silence >= _keepAlive.IdleTimeout)
        {
            Interlocked.Increment(ref _pingsUnanswered);
            Ping();
        }
    }

    public override string ToString() => $"{Peer.Name} {ChannelName}/{Slot.Index} ({(IsOutbound ? "out" : "in")})";
}
