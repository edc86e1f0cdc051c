using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Channels;

/// <summary>
/// One encoded frame body waiting to be written. Pooled: senders rent one, encode into it on their own
/// thread, and the connection's writer returns it after copying it into the socket's pipe.
/// </summary>
internal sealed class OutboundFrame
{
    public const int Queued = 0;
    public const int Taken = 1;
    public const int Superseded = 2;

    // Frames in flight come back here. 16 senders with 1,000 messages each in flight did not fit the earlier cap of
    // 4,096: every frame past it was new (222 B per 64 B send). What a burst leaves pooled is halved at each gen-2 GC.
    private const int MaxPooled = 65536;
    private const int KeptAfterTrim = 1024;

    private static readonly ConcurrentQueue<OutboundFrame> Pool = new();
    private static int _pooled;

    static OutboundFrame() => PoolTrimmer.Start();

    /// <summary>A sentinel that only wakes the writer (never written).</summary>
    public static readonly OutboundFrame Wake = new();

    public WireBuffer Body { get; } = new(256);

    /// <summary>The partition hash (monotonic channels replace pending frames with the same one).</summary>
    public long Key { get; set; }

    /// <summary>
    /// Nonzero for a frame that makes earlier frames with the same value obsolete (an overlay's whole view): a queue
    /// that supersedes replaces one still waiting with it. Zero for every other frame.
    /// </summary>
    public long SupersedeKey { get; set; }

    /// <summary><see cref="Sender"/> of a frame that must follow everything queued before it (a <c>Down</c>, an exit signal).</summary>
    public const long AfterAll = -1;

    /// <summary>
    /// Whose order the frame keeps (docs/delivery.md, "Order"): the local id of the process that sent it; 0 when no process
    /// did (code outside processes, relayed frames, acknowledgements: one order among themselves); or
    /// <see cref="AfterAll"/> for the node's signals about processes, which follow every frame queued before them. A
    /// connection's writer lets a frame overtake an earlier one only when their senders differ and the later is not
    /// <see cref="AfterAll"/>.
    /// </summary>
    public long Sender { get; set; }

    /// <summary>When the writer took it (the writer's own count), so frames it held back go back to the queue in order.</summary>
    public long TakenAt { get; set; }

    /// <summary>True for the frame that ends a connection gracefully once everything before it is written.</summary>
    public bool IsGoodbye { get; set; }

    /// <summary>Offset in <see cref="Body"/> of the message flags byte that announces header fields (when <see cref="ExtensionsLength"/> is not 0).</summary>
    public int ExtensionsAt { get; set; }

    /// <summary>Bytes of header fields right after the flags byte at <see cref="ExtensionsAt"/> (length prefix included); 0 when there are none.</summary>
    public int ExtensionsLength { get; set; }

    /// <summary>True once fault injection delayed or reordered it, so it is not delayed again when written.</summary>
    public bool FaultApplied { get; set; }

    public int State;

    public int Length => (int)Body.WrittenCount;

    /// <summary>
    /// Writes this frame to <paramref name="output"/>; without its header fields when <paramref name="withExtensions"/> is
    /// false (the peer speaks protocol version 1), so such a peer never sees the flag. Returns the body length written.
    /// </summary>
    public int WriteTo(IBufferWriter<byte> output, bool withExtensions)
    {
        if (ExtensionsLength != 0 && !withExtensions)
        {
            return FrameCodec.WriteFrameWithoutExtensions(output, Body, ExtensionsAt, ExtensionsLength);
        }

        FrameCodec.WriteFrame(output, Body);
        return Length;
    }

    public static OutboundFrame Rent()
    {
        if (Pool.TryDequeue(out OutboundFrame? frame))
        {
            Interlocked.Decrement(ref _pooled);
            return frame;
        }

        return new OutboundFrame();
    }

    public static void Return(OutboundFrame frame)
    {
        if (ReferenceEquals(frame, Wake))
        {
            return;
        }

        frame.Body.Reset();
        frame.Key = 0;
        frame.SupersedeKey = 0;
        frame.Sender = 0;
        frame.TakenAt = 0;
        frame.IsGoodbye = false;
        frame.ExtensionsAt = 0;
        frame.ExtensionsLength = 0;
        frame.FaultApplied = false;
        frame.State = Queued;
        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            Pool.Enqueue(frame);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
            frame.Body.Dispose();
        }
    }

    /// <summary>Gives back half of the pooled frames above <see cref="KeptAfterTrim"/>.</summary>
    private static void Trim()
    {
        int excess = (Volatile.Read(ref _pooled) - KeptAfterTrim) / 2;
        while (excess-- > 0 && Pool.TryDequeue(out OutboundFrame? frame))
        {
            Interlocked.Decrement(ref _pooled);
            frame.Body.Dispose();
        }
    }

    /// <summary>Trims the pool after gen-2 collections: an object nobody references, finalized (and revived) at each one.</summary>
    private sealed class PoolTrimmer
    {
        public static void Start() => _ = new PoolTrimmer();

        ~PoolTrimmer()
        {
            if (Environment.HasShutdownStarted)
            {
                return;
            }

            Trim();
            GC.ReRegisterForFinalize(this);
        }
    }
}
