using System.Threading.Channels;

namespace Partisan.Channels;

/// <summary>
/// The frames waiting for one connection slot (peer, channel, index). Many senders, one writer.
/// Outlives any one connection: when a connection drops, what is still queued goes out on the next.
/// Bounded in bytes: past the limit new frames are refused (and counted as dropped). Below it, a sender that can wait
/// (<see cref="EnqueueAsync"/>) waits while more than the back-pressure bytes are queued, until the writer has drained
/// half of them: what is in flight stays small, so its buffers stay pooled and a small message queues behind little.
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
    private readonly long _backPressureBytes;
    private readonly Lock _frontGate = new();
    private readonly Stack<OutboundFrame> _front = new();
    private volatile bool _hasFront;
    private long _pendingBytes;

    /// <param name="maxPendingBytes">Queued bytes past which frames are refused.</param>
    /// <param name="backPressureBytes">Queued bytes past which <see cref="EnqueueAsync"/> waits (the whole limit when not given).</param>
    public OutboundQueue(long maxPendingBytes, long backPressureBytes = 0)
    {
        _maxPendingBytes = maxPendingBytes;
        _backPressureBytes = backPressureBytes is > 0 ? Math.Min(backPressureBytes, maxPendingBytes) : maxPendingBytes;
    }

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

    /// <summary>
    /// Counts <paramref name="bytes"/> a writer took but holds back (a large frame going out in fragments, or a frame
    /// waiting behind one) as still pending, so the byte limit bounds them too.
    /// </summary>
    public void Hold(long bytes) => Interlocked.Add(ref _pendingBytes, bytes);

    /// <summary>Stops counting <paramref name="bytes"/> of held frames (written, or about to be put back).</summary>
    public void Release(long bytes)
    {
        long pending = Interlocked.Add(ref _pendingBytes, -bytes);
        if (_spaceWaiter is not null && pending <= _backPressureBytes / 2)
        {
            Interlocked.Exchange(ref _spaceWaiter, null)?.TrySetResult();
        }
    }

    /// <summary>Adds a frame that ignores the byte limit (control frames, goodbye).</summary>
    public void EnqueueUnbounded(OutboundFrame frame)
    {
        Interlocked.Add(ref _pendingBytes, frame.Length);
        _channel.Writer.TryWrite(frame);
    }

    /// <summary>
    /// Takes the next frame for the writer: frames put back by <see cref="PutBack"/> first (in their original
    /// order), then the queue.
    /// </summary>
    public bool TryTake(out OutboundFrame frame)
    {
        if (_hasFront)
        {
            lock (_frontGate)
            {
                if (_front.TryPop(out frame!))
                {
                    _hasFront = _front.Count > 0;
                    Interlocked.Add(ref _pendingBytes, -frame.Length);
                    return true;
                }

                _hasFront = false;
            }
        }

        return TryDequeue(out frame);
    }

    /// <summary>
    /// Puts frames a writer took but could not flush back at the front, so the next connection of the slot
    /// sends them first and in order (<paramref name="frames"/> in the order they were taken).
    /// </summary>
    public void PutBack(List<OutboundFrame> frames)
    {
        if (frames.Count == 0)
        {
            return;
        }

        lock (_frontGate)
        {
            for (int i = frames.Count - 1; i >= 0; i--)
            {
                Interlocked.Add(ref _pendingBytes, frames[i].Length);
                _front.Push(frames[i]);
            }

            _hasFront = true;
        }

        Wake();
    }

    /// <summary>Takes the next frame from the queue itself (not from the put-back frames).</summary>
    protected virtual bool TryDequeue(out OutboundFrame frame)
    {
        if (_channel.Reader.TryRead(out frame!))
        {
            long pending = Interlocked.Add(ref _pendingBytes, -frame.Length);
            if (_spaceWaiter is not null && pending <= _backPressureBytes / 2)
            {
                Interlocked.Exchange(ref _spaceWaiter, null)?.TrySetResult();
            }

            return true;
        }

        return false;
    }

    private TaskCompletionSource? _spaceWaiter;

    /// <summary>
    /// Queues <paramref name="frame"/>, waiting while more than the back-pressure bytes are queued (or the queue is
    /// full) until the writer has drained them to half. A frame larger than the back-pressure bytes waits for an empty
    /// queue. Completes false when <paramref name="stillWanted"/> says the peer is gone.
    /// </summary>
    public async ValueTask<bool> EnqueueAsync(OutboundFrame frame, Func<bool> stillWanted, CancellationToken cancellationToken)
    {
        while (!HasRoomFor(frame) || !TryEnqueue(frame))
        {
            if (!stillWanted())
            {
                return false;
            }

            TaskCompletionSource waiter = Volatile.Read(ref _spaceWaiter) ?? CreateWaiter();
            if (HasRoomFor(frame) && PendingBytes + frame.Length <= _maxPendingBytes)
            {
                continue; // drained meanwhile
            }

            // Wake at least every 100 ms to notice a peer that went away while the queue was full.
            await waiter.Task.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return true;
    }

    /// <summary>True when a sender that can wait may queue <paramref name="frame"/> now.</summary>
    public bool HasRoomFor(OutboundFrame frame)
    {
        long pending = PendingBytes;
        return pending == 0 || pending + frame.Length <= _backPressureBytes;
    }

    private TaskCompletionSource CreateWaiter()
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Interlocked.CompareExchange(ref _spaceWaiter, created, null) ?? created;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        _hasFront ? ValueTask.FromResult(true) : _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Wakes the writer without sending anything.</summary>
    public void Wake() => _channel.Writer.TryWrite(OutboundFrame.Wake);

    /// <summary>Drops everything queued; returns how many frames were dropped.</summary>
    public int Clear()
    {
        int dropped = 0;
        while (TryTake(out OutboundFrame frame))
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
/// A queue where a new frame replaces an older one with the same key still waiting, so only the newest value per
/// key is sent (latest-wins load shedding; nothing is dropped that was not superseded). On a monotonic channel
/// the key is every frame's partition key; on the membership channel only frames with a
/// <see cref="OutboundFrame.SupersedeKey"/> (an overlay's whole view) replace each other, and the rest queue as usual.
/// </summary>
internal sealed class MonotonicOutboundQueue : OutboundQueue
{
    private readonly Dictionary<long, OutboundFrame> _latest = new();
    private readonly Lock _gate = new();
    private readonly bool _everyFrame;

    /// <param name="maxPendingBytes">The byte limit.</param>
    /// <param name="everyFrame">True: every frame supersedes by its partition key (a monotonic channel). False: only frames with a <see cref="OutboundFrame.SupersedeKey"/>, by that key.</param>
    public MonotonicOutboundQueue(long maxPendingBytes, bool everyFrame = true)
        : base(maxPendingBytes) => _everyFrame = everyFrame;

    public int Superseded { get; private set; }

    private bool Tracks(OutboundFrame frame, out long key)
    {
        key = _everyFrame ? frame.Key : frame.SupersedeKey;
        return _everyFrame || key != 0;
    }

    public override bool TryEnqueue(OutboundFrame frame)
    {
        if (!Tracks(frame, out long key))
        {
            return base.TryEnqueue(frame);
        }

        lock (_gate)
        {
            if (_latest.TryGetValue(key, out OutboundFrame? older) &&
                Interlocked.CompareExchange(ref older.State, OutboundFrame.Superseded, OutboundFrame.Queued) == OutboundFrame.Queued)
            {
                Superseded++;
            }

            if (!base.TryEnqueue(frame))
            {
                return false;
            }

            _latest[key] = frame;
            return true;
        }
    }

    protected override bool TryDequeue(out OutboundFrame frame)
    {
        while (base.TryDequeue(out frame))
        {
            if (ReferenceEquals(frame, OutboundFrame.Wake) || frame.IsGoodbye)
            {
                return true;
            }

            if (Interlocked.CompareExchange(ref frame.State, OutboundFrame.Taken, OutboundFrame.Queued) == OutboundFrame.Queued)
            {
                if (Tracks(frame, out long key))
                {
                    lock (_gate)
                    {
                        if (_latest.TryGetValue(key, out OutboundFrame? current) && ReferenceEquals(current, frame))
                        {
                            _latest.Remove(key);
                        }
                    }
                }

                return true;
            }

            OutboundFrame.Return(frame); // superseded by a newer frame with the same key
        }

        return false;
    }
}
