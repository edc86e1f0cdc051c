using System.Buffers.Binary;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Transport;

namespace Partisan.Connections;

/// <content>Keep-alive: pings a silent peer ahead of queued data, and closes the connection when it stays silent.</content>
internal sealed partial class PeerConnection
{
    /// <summary>Sends a ping ahead of queued data (used to probe a connection that may be dead).</summary>
    public void Ping() => SendPriority(FrameType.Ping, _time.GetTimestamp());

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

    /// <summary>
    /// The keep-alive check, called every <see cref="KeepAliveOptions.Interval"/> by the node's one keep-alive timer
    /// (<see cref="ConnectionManager"/>; one timer a node, not one a connection): pings a connection silent for
    /// <see cref="KeepAliveOptions.IdleTimeout"/>, closes one silent for <see cref="KeepAliveOptions.DeadAfter"/>.
    /// </summary>
    public void KeepAliveTick()
    {
        if (!_started || IsClosed)
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
}
