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
        bool flushing = false;
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
                bool goodbye = false;
                while (bytes < MaxBatchBytes && _priority.TryDequeue(out OutboundFrame? control))
                {
                    bytes += WriteFrame(output, control) + FrameCodec.HeaderSize;
                    OutboundFrame.Return(control);
                }

                if (_retiring)
                {
                    bytes += WriteGoodbye(output) + FrameCodec.HeaderSize;
                    goodbye = true;
                }

                while (!goodbye && bytes < MaxBatchBytes && queue.TryTake(out OutboundFrame frame))
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
                            bytes += WriteFrame(output, frame) + FrameCodec.HeaderSize;
                        }
                    }

                    bytes += WriteFrame(output, frame) + FrameCodec.HeaderSize;
                    if (frame.IsGoodbye)
                    {
                        goodbye = true;
                        OutboundFrame.Return(frame);
                        break;
                    }

                    messages++;
                    batch.Add(frame);
                }

                if (bytes > 0)
                {
                    // Once its flush has started, any part of a batch may have reached the peer: if the flush then fails, the
                    // batch must not go back to the queue, or the next connection delivers that part twice (a kill under a
                    // stream duplicated 1,934 messages). Only a batch whose flush never started goes back.
                    ct.ThrowIfCancellationRequested();
                    SealRecord(output);
                    flushing = true;
                    FlushResult flush = await output.FlushAsync(ct).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return;
                    }

                    flushing = false;
                    ReturnAll(batch);
                    if (messages > 0)
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
                // cancel this check sees, and one not yet taken ends the wait.
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
            else
            {
                queue.PutBack(batch);
            }

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
