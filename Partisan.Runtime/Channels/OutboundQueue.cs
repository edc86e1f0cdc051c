using System.Threading.Channels;

namespace Partisan.Channels;

/// <summary>
/// The frames waiting for one connection slot (peer, channel, index). Many senders, one writer.
/// Outlives any one connection: when a connection drops, what is still queued goes out on the next.
/// Bounded in bytes: past the limit new frames are refused (and counted as dropped).
/// </summary>
internal class OutboundQueue
{
    private readonly Channel<OutboundFrame> _channel = Channel.CreateUnbounded<OutboundFrame>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private readonly long _maxPendingBytes;
    private long _pendingBytes;

    public OutboundQueue(long maxPendingBytes) => _maxPendingBytes = maxPendingBytes;

    public long PendingBytes => Volatile.Read(ref _pendingBytes);

    public virtual bool TryEnqueue(OutboundFrame frame)
    {
        int length = frame.Length;
        if (Interlocked.Add(ref _pendingBytes, length) > _maxPendingBytes && length > 0)
        {
            Interlocked.Add(ref _pendingBytes, -length);
            return false;
        }

        if (!_channel.Writer.TryWrite(frame))
        {
            Interlocked.Add(ref _pendingBytes, -length);
            return false;
        }

        return true;
    }

    /// <summary>Adds a frame that ignores the byte limit (control frames, goodbye).</summary>
    public void EnqueueUnbounded(OutboundFrame frame)
    {
        Interlocked.Add(ref _pendingBytes, frame.Length);
        _channel.Writer.TryWrite(frame);
    }

    public virtual bool TryDequeue(out OutboundFrame frame)
    {
        if (_channel.Reader.TryRead(out frame!))
        {
            Interlocked.Add(ref _pendingBytes, -frame.Length);
            return true;
        }

        return false;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Wakes the writer without sending anything.</summary>
    public void Wake() => _channel.Writer.TryWrite(OutboundFrame.Wake);

    /// <summary>Drops everything queued; returns how many frames were dropped.</summary>
    public int Clear()
    {
        int dropped = 0;
        while (TryDequeue(out OutboundFrame frame))
        {
            if (!ReferenceEquals(frame, OutboundFrame.Wake))
            {
                dropped++;
                OutboundFrame.Return(frame);
            }
        }

        return dropped;
    }
}

/// <summary>
/// A queue for monotonic channels: a new frame with the same partition key replaces one still waiting,
/// so only the newest value per key is sent (latest-wins load shedding; nothing is dropped that was
/// not superseded).
/// </summary>
internal sealed class MonotonicOutboundQueue : OutboundQueue
{
    private readonly Dictionary<long, OutboundFrame> _latest = new();
    private readonly Lock _gate = new();

    public MonotonicOutboundQueue(long maxPendingBytes)
        : base(maxPendingBytes)
    {
    }

    public int Superseded { get; private set; }

    public override bool TryEnqueue(OutboundFrame frame)
    {
        lock (_gate)
        {
            if (_latest.TryGetValue(frame.Key, out OutboundFrame? older) &&
                Interlocked.CompareExchange(ref older.State, OutboundFrame.Superseded, OutboundFrame.Queued) == OutboundFrame.Queued)
            {
                Superseded++;
            }

            if (!base.TryEnqueue(frame))
            {
                return false;
            }

            _latest[frame.Key] = frame;
            return true;
        }
    }

    public override bool TryDequeue(out OutboundFrame frame)
    {
        while (base.TryDequeue(out frame))
        {
            if (ReferenceEquals(frame, OutboundFrame.Wake) || frame.IsGoodbye)
            {
                return true;
            }

            if (Interlocked.CompareExchange(ref frame.State, OutboundFrame.Taken, OutboundFrame.Queued) == OutboundFrame.Queued)
            {
                lock (_gate)
                {
                    if (_latest.TryGetValue(frame.Key, out OutboundFrame? current) && ReferenceEquals(current, frame))
                    {
                        _latest.Remove(frame.Key);
                    }
                }

                return true;
            }

            OutboundFrame.Return(frame); // superseded by a newer frame with the same key
        }

        return false;
    }
}
