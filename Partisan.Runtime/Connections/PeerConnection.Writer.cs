using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Faults;
using Partisan.Transport;

namespace Partisan.Connections;

/// <content>The writer loop: drains the slot's queue (and pings ahead of it) into the pipe, one flush per batch.</content>
internal sealed partial class PeerConnection
{
    private const int MaxBatchBytes = 256 * 1024;

    private async Task WriterLoopAsync(PeerConnection? predecessor)
    {
        PipeWriter output = _transport.Output;
        OutboundQueue queue = Slot.Queue;
        CancellationToken ct = _stop.Token;
        var batch = new List<OutboundFrame>();
        // Only toward a peer that reassembles (protocol version 3): an older peer gets every frame whole, as before.
        WriterBacklog? backlog = _fragmentSize > 0 ? new WriterBacklog(_fragmentSize) : null;
        long taken = 0;
        bool flushing = false;
        bool goodbyeQueued = false; // a goodbye was taken while frames were held: it goes out once they are written
        try
        {
            if (predecessor is not null)
            {
                await predecessor.WriterStopped.WaitAsync(ct).ConfigureAwait(false);
            }

            while (!ct.IsCancellationRequested)
            {
                long messages = 0;
                long bytes = 0;
                long held = 0;
                bool goodbye = false;
                while (bytes < MaxBatchBytes && _priority.TryDequeue(out OutboundFrame? control))
                {
                    bytes += WriteFrame(output, control) + FrameCodec.HeaderSize;
                    OutboundFrame.Return(control);
                }

                bool holding = backlog is { IsEmpty: false };
                bool retiring = _retiring; // read once: the writer acts on one view of it per batch

                // Retiring, a frame partly on the wire is finished first (the peer has its beginning); the rest goes back
                // to the queue for the successor. A queued goodbye waits for everything held, as it waits for what was
                // queued before it.
                if ((retiring && !(holding && backlog!.HasCommitted)) || (goodbyeQueued && !holding))
                {
                    bytes += WriteGoodbye(output) + FrameCodec.HeaderSize;
                    goodbye = true;
                }

                while (!goodbye && !retiring && !goodbyeQueued && bytes < MaxBatchBytes && queue.TryTake(out OutboundFrame frame))
                {
                    if (ReferenceEquals(frame, OutboundFrame.Wake))
                    {
                        continue;
                    }

                    if (Faults is { FramesActive: true } faults && !frame.IsGoodbye)
                    {
                        FrameFate fate = faults.OnSendFrame(Peer.Name, Slot, frame);
                        if (fate is FrameFate.Dropped or FrameFate.Held)
                        {
                            continue;
                        }

                        if (fate == FrameFate.Duplicate)
                        {
                            bytes += WriteFrame(output, frame) + FrameCodec.HeaderSize; // whole, even when large: a peer reads both forms
                        }
                    }

                    if (frame.IsGoodbye)
                    {
                        OutboundFrame.Return(frame);
                        if (backlog is { IsEmpty: false })
                        {
                            goodbyeQueued = true;
                            break;
                        }

                        bytes += WriteGoodbye(output) + FrameCodec.HeaderSize;
                        goodbye = true;
                        break;
                    }

                    frame.TakenAt = ++taken;
                    if (backlog is not null && backlog.MustHold(frame))
                    {
                        backlog.Hold(frame);
                        queue.Hold(frame.Length);
                        continue;
                    }

                    bytes += WriteFrame(output, frame) + FrameCodec.HeaderSize;
                    messages++;
                    batch.Add(frame);
                }

                if (!goodbye && backlog is { IsEmpty: false })
                {
                    int before = batch.Count;
                    held = backlog.WriteReady(_record is null ? output : (IBufferWriter<byte>)_record, MaxBatchBytes - bytes, committedOnly: retiring, batch, out long released);
                    bytes += held;
                    messages += batch.Count - before;
                    if (released > 0)
                    {
                        queue.Release(released);
                    }
                }

                if (bytes > 0)
                {
                    // Once its flush has started, any part of a batch may have reached the peer: if the flush then fails, the
                    // batch must not go back to the queue, or the next connection delivers that part twice (a kill under a
                    // stream duplicated 1,934 messages). Only a batch whose flush never started goes back. The same holds
                    // for a fragmented frame: once one of its fragments was in a flush that started, it is finished or lost.
                    ct.ThrowIfCancellationRequested();
                    SealRecord(output);
                    backlog?.Commit();
                    flushing = true;
                    FlushResult flush = await output.FlushAsync(ct).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return;
                    }

                    flushing = false;
                    ReturnAll(batch);
                    if (messages > 0 || held > 0)
                    {
                        CountSent(messages, bytes);
                    }

                    if (goodbye)
                    {
                        // A retiring connection keeps reading until the peer's goodbye: what the peer sent before it must
                        // be delivered, so the close reason (which stops the reader) is not set here.
                        if (!_retiring)
                        {
                            Interlocked.CompareExchange(ref _closeReason, "closed", null);
                        }

                        return;
                    }

                    continue;
                }

                // Waiting without a token lets the queue reuse one wait instead of allocating one each time the writer goes
                // idle (once a message under ping-pong). Close cancels, then wakes the queue: a wake taken above came after a
                // cancel this check sees, and one not yet taken ends the wait. (Nothing is held here: a backlog always writes.)
                if (ct.IsCancellationRequested || !await queue.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
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
            if (flushing)
            {
                ReturnAll(batch); // in flight when the connection died: delivered or lost, never sent twice
            }

            if (backlog is { IsEmpty: false })
            {
                // Held frames none of whose bytes was in a flush go back with the batch, in the order they were taken; one
                // partly on the wire is lost with the connection (the peer drops its incomplete reassembly).
                backlog.Abandon(batch, out long released);
                queue.Release(released);
            }

            queue.PutBack(batch);
            _writerDone.TrySetResult();
        }
    }

    private static void ReturnAll(List<OutboundFrame> batch)
    {
        foreach (OutboundFrame frame in batch)
        {
            OutboundFrame.Return(frame);
        }

        batch.Clear();
    }

    /// <summary>
    /// Writes one frame (returns its length after the header): into the pipe, or, when the connection protects its
    /// frames, into the batch's record, sealed as a whole by <see cref="SealRecord"/> before the flush.
    /// </summary>
    private int WriteFrame(PipeWriter output, OutboundFrame frame) =>
        _record is null
            ? frame.WriteTo(output, _writesExtensions)
            : frame.WriteTo(_record, withExtensions: true); // protection needs version 2, which writes header fields as they are

    // One AES-GCM seal per batch, not per frame: a batch of small messages costs one tag (a frame each cost 40-55% of
    // the 64 B throughput).
    private void SealRecord(PipeWriter output)
    {
        if (_record is { WrittenCount: > 0 } record)
        {
            _sealer!.Seal(output, record);
            record.Reset();
        }
    }

    private int WriteGoodbye(PipeWriter output)
    {
        IBufferWriter<byte> target = _record is null ? output : _record;
        Span<byte> span = target.GetSpan(FrameCodec.HeaderSize + 1);
        BinaryPrimitives.WriteUInt32BigEndian(span, 1);
        span[FrameCodec.HeaderSize] = (byte)FrameType.Goodbye;
        target.Advance(FrameCodec.HeaderSize + 1);
        return 1;
    }
}
