using System.Buffers;
using System.Runtime.InteropServices;
using Partisan.Channels;
using Partisan.Transport;

namespace Partisan.Connections;

/// <summary>
/// What a connection's writer has taken from its queue but not yet written whole: frames larger than the fragment size,
/// which go out one fragment at a time between other frames, and frames that must wait for one of them. Owned by one
/// writer loop (not thread-safe); one per connection, so fragment ids are the connection's own.
/// </summary>
/// <remarks>
/// The order rule (docs/delivery.md, "Order"): a frame may go before a frame taken earlier only when their
/// <see cref="OutboundFrame.Sender"/>s differ and the later one is not <see cref="OutboundFrame.AfterAll"/>. So a
/// process's frames keep their order (and so do the frames of no process, sender 0, among themselves), the node's signals
/// about processes wait for everything taken before them, and a small frame of one process goes out between the fragments
/// of another process's large one. A frame that is waiting blocks the later frames of its sender the same way, since it
/// stays here, ahead of them.
/// </remarks>
internal sealed class WriterBacklog
{
    /// <summary>Large frames in progress at once (each an open reassembly on the peer, which accepts <see cref="FragmentReassembler.MaxOpen"/>).</summary>
    public const int MaxStarted = 4;

    private static readonly Comparison<OutboundFrame> ByTakenAt = static (a, b) => a.TakenAt.CompareTo(b.TakenAt);

    private readonly List<HeldFrame> _held = new();
    private readonly Dictionary<long, int> _senders = new();
    private readonly HashSet<long> _seen = new();
    private readonly int _fragmentSize;
    private readonly int _wholeLimit;
    private int _started;
    private uint _nextId;

    /// <param name="fragmentSize">
    /// Frames longer than <see cref="WholeLimit"/> (this plus an eighth) go out in fragments of this many bytes, the last
    /// one up to <see cref="WholeLimit"/>.
    /// </param>
    public WriterBacklog(int fragmentSize)
    {
        _fragmentSize = fragmentSize;
        _wholeLimit = WholeLimitFor(fragmentSize);
    }

    /// <summary>
    /// The longest frame written whole, and the longest last fragment: the fragment size plus an eighth. A frame just over
    /// the fragment size (a 64 KiB payload and its envelope) then goes out whole instead of as a full fragment and a tail
    /// of a few dozen bytes, each a reassembly on the peer; a small frame of another process waits at most an eighth longer.
    /// </summary>
    public int WholeLimit => _wholeLimit;

    /// <summary>The <see cref="WholeLimit"/> for <paramref name="fragmentSize"/>.</summary>
    public static int WholeLimitFor(int fragmentSize) => fragmentSize + (fragmentSize / 8);

    /// <summary>True when nothing is held.</summary>
    public bool IsEmpty => _held.Count == 0;

    /// <summary>Frames held.</summary>
    public int Count => _held.Count;

    /// <summary>True when a held frame is partly on the wire (part of it was in a flush that started): it must be finished, or lost, never sent again.</summary>
    public bool HasCommitted
    {
        get
        {
            foreach (HeldFrame held in _held)
            {
                if (held.Committed)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// True when <paramref name="frame"/> (just taken) must wait here: it is longer than <see cref="WholeLimit"/>, or an earlier frame it
    /// may not overtake is held. Costs two compares while nothing is held.
    /// </summary>
    public bool MustHold(OutboundFrame frame) =>
        frame.Length > _wholeLimit || (_held.Count > 0 && (frame.Sender == OutboundFrame.AfterAll || _senders.ContainsKey(frame.Sender)));

    /// <summary>Holds <paramref name="frame"/> after everything held.</summary>
    public void Hold(OutboundFrame frame)
    {
        _held.Add(new HeldFrame(frame));
        CollectionsMarshal.GetValueRefOrAddDefault(_senders, frame.Sender, out _)++;
    }

    /// <summary>
    /// Writes, in order, what the rule lets go now: held small frames whole, and one fragment of each large frame in
    /// progress per round, rounds repeated while under <paramref name="budget"/> bytes (at least one write). Frames
    /// finished are added to <paramref name="done"/>, and their lengths to <paramref name="released"/>. With
    /// <paramref name="committedOnly"/> (a retiring connection) only frames already partly on the wire go on.
    /// Returns the bytes written, frame headers included.
    /// </summary>
    public long WriteReady(IBufferWriter<byte> output, long budget, bool committedOnly, List<OutboundFrame> done, out long released)
    {
        long written = 0;
        released = 0;
        bool progress = true;
        while (progress && _held.Count > 0 && (written == 0 || written < budget))
        {
            progress = false;
            _seen.Clear();
            Span<HeldFrame> held = CollectionsMarshal.AsSpan(_held);
            int keep = 0;
            for (int i = 0; i < held.Length; i++)
            {
                ref HeldFrame entry = ref held[i];
                long sender = entry.Frame.Sender;
                bool blocked = i > 0 && (sender == OutboundFrame.AfterAll || _seen.Contains(sender));
                _seen.Add(sender);
                if (!blocked && (!committedOnly || entry.Committed) && (written == 0 || written < budget) &&
                    WriteSome(ref entry, output, ref written, ref progress))
                {
                    done.Add(entry.Frame);
                    released += entry.Frame.Length;
                    Forget(sender);
                    continue;
                }

                if (keep != i)
                {
                    held[keep] = entry;
                }

                keep++;
            }

            _held.RemoveRange(keep, _held.Count - keep);
        }

        return written;
    }

    /// <summary>A flush is starting: every held frame with bytes in it is now partly on the wire.</summary>
    public void Commit()
    {
        foreach (ref HeldFrame held in CollectionsMarshal.AsSpan(_held))
        {
            if (held.Sent > 0)
            {
                held.Committed = true;
            }
        }
    }

    /// <summary>
    /// The connection is ending: adds the frames that may go again on the next connection (none of their bytes was in a
    /// flush) to <paramref name="putBack"/> and sorts it by when each frame was taken; frames partly on the wire are lost
    /// (returned to the pool), as a batch whose flush started. Returns how many were lost; <paramref name="released"/>
    /// gets the bytes held.
    /// </summary>
    public int Abandon(List<OutboundFrame> putBack, out long released)
    {
        int lost = 0;
        released = 0;
        foreach (HeldFrame held in _held)
        {
            released += held.Frame.Length;
            if (held.Committed)
            {
                OutboundFrame.Return(held.Frame);
                lost++;
            }
            else
            {
                putBack.Add(held.Frame);
            }
        }

        _held.Clear();
        _senders.Clear();
        _started = 0;
        putBack.Sort(ByTakenAt);
        return lost;
    }

    private bool WriteSome(ref HeldFrame entry, IBufferWriter<byte> output, ref long written, ref bool progress)
    {
        OutboundFrame frame = entry.Frame;
        if (!entry.Started && frame.Length <= _wholeLimit)
        {
            written += frame.WriteTo(output, withExtensions: true) + FrameCodec.HeaderSize;
            progress = true;
            return true;
        }

        if (!entry.Started)
        {
            if (_started >= MaxStarted)
            {
                return false;
            }

            entry.Started = true;
            entry.Id = _nextId++;
            _started++;
        }

        long left = frame.Length - entry.Sent;
        int count = left <= _wholeLimit ? (int)left : _fragmentSize; // no tail of a few bytes as a fragment of its own
        written += FrameCodec.WriteFragment(output, frame.Body, entry.Id, entry.Index, entry.Sent, count) + FrameCodec.HeaderSize;
        entry.Index++;
        entry.Sent += count;
        progress = true;
        if (entry.Sent < frame.Length)
        {
            return false;
        }

        _started--;
        return true;
    }

    private void Forget(long sender)
    {
        ref int count = ref CollectionsMarshal.GetValueRefOrNullRef(_senders, sender);
        if (--count == 0)
        {
            _senders.Remove(sender);
        }
    }

    private struct HeldFrame(OutboundFrame frame)
    {
        public readonly OutboundFrame Frame = frame;
        public long Sent;
        public uint Id;
        public uint Index;
        public bool Started;
        public bool Committed;
    }
}
