using System.Buffers;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

/// <summary>
/// The writer's backlog decides what a connection writes while large frames go out in fragments: these tests play the
/// writer's part (hold what must wait, write the rest) and read back what went on the wire.
/// </summary>
public class WriterBacklogTests
{
    private const int FragmentSize = 64 * 1024;

    /// <summary>A message-like frame body of <paramref name="length"/> bytes from <paramref name="sender"/>, every byte after the type <paramref name="mark"/>.</summary>
    private static OutboundFrame Frame(long sender, int length, byte mark, long takenAt = 0)
    {
        OutboundFrame frame = OutboundFrame.Rent();
        frame.Sender = sender;
        frame.TakenAt = takenAt;
        byte[] body = new byte[length];
        Array.Fill(body, mark);
        body[0] = (byte)FrameType.Message;
        frame.Body.Write(body);
        return frame;
    }

    /// <summary>What the writer does with a frame it took: hold it, or write it now.</summary>
    private static void Take(WriterBacklog backlog, OutboundFrame frame, ArrayBufferWriter<byte> wire)
    {
        if (backlog.MustHold(frame))
        {
            backlog.Hold(frame);
        }
        else
        {
            frame.WriteTo(wire, withExtensions: true);
        }
    }

    /// <summary>The frames on the wire, as the peer's reader sees them: (type, mark) per frame, fragments reassembled where they complete.</summary>
    private static List<(FrameType Type, byte Mark, int Length)> Read(ArrayBufferWriter<byte> wire, FragmentReassembler? reassembler = null, Action<int>? open = null)
    {
        reassembler ??= new FragmentReassembler(64 * 1024 * 1024);
        var seen = new List<(FrameType, byte, int)>();
        var buffer = new ReadOnlySequence<byte>(wire.WrittenMemory);
        while (FrameCodec.TryReadFrame(ref buffer, 64 * 1024 * 1024, out ReadOnlySequence<byte> frame))
        {
            var reader = new WireReader(frame, WireContext.Default);
            var type = (FrameType)reader.ReadByte();
            if (type != FrameType.Fragment)
            {
                seen.Add((type, frame.Slice(1).FirstSpan[0], (int)frame.Length));
                continue;
            }

            Reassembly? complete = reassembler.Add(ref reader);
            open?.Invoke(reassembler.OpenCount);
            seen.Add((FrameType.Fragment, 0, 0));
            if (complete is not null)
            {
                ReadOnlySequence<byte> body = complete.Body;
                seen.Add(((FrameType)body.FirstSpan[0], body.Slice(1).FirstSpan[0], (int)body.Length));
                reassembler.Release(complete);
            }
        }

        Assert.Equal(0, buffer.Length);
        return seen;
    }

    private static List<(FrameType, byte, int)> Whole(List<(FrameType Type, byte Mark, int Length)> seen) =>
        seen.Where(s => s.Type != FrameType.Fragment).ToList();

    [Fact]
    public void A_small_frame_of_another_process_goes_out_between_the_fragments_of_a_large_one()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        Take(backlog, Frame(sender: 1, 300_000, mark: 1), wire);
        backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _); // one fragment, as in a batch
        Take(backlog, Frame(sender: 2, 100, mark: 2), wire);
        while (!backlog.IsEmpty)
        {
            backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        }

        List<(FrameType Type, byte Mark, int Length)> seen = Read(wire);
        Assert.Equal((FrameType.Fragment, (byte)0, 0), seen[0]);
        Assert.Equal((FrameType.Message, (byte)2, 100), seen[1]); // the small one, after the first fragment
        Assert.Equal([(FrameType.Message, (byte)2, 100), (FrameType.Message, (byte)1, 300_000)], Whole(seen));
        Assert.Single(done);
    }

    [Fact]
    public void A_process_own_small_frame_waits_for_its_own_large_one()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        Take(backlog, Frame(sender: 1, 300_000, mark: 1), wire);
        backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        OutboundFrame own = Frame(sender: 1, 100, mark: 2);
        Assert.True(backlog.MustHold(own));
        Take(backlog, own, wire);
        Take(backlog, Frame(sender: 3, 100, mark: 3), wire); // another process's goes at once
        while (!backlog.IsEmpty)
        {
            backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        }

        Assert.Equal(
            [(FrameType.Message, (byte)3, 100), (FrameType.Message, (byte)1, 300_000), (FrameType.Message, (byte)2, 100)],
            Whole(Read(wire)));
        Assert.Equal(2, done.Count);
    }

    [Fact]
    public void A_signal_of_the_node_waits_for_everything_taken_before_it()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        Take(backlog, Frame(sender: 1, 200_000, mark: 1), wire);
        backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        OutboundFrame signal = Frame(sender: OutboundFrame.AfterAll, 50, mark: 9);
        Assert.True(backlog.MustHold(signal));
        Take(backlog, signal, wire);
        Assert.False(backlog.MustHold(Frame(sender: 2, 50, mark: 2)));
        Assert.False(backlog.MustHold(Frame(sender: 0, 50, mark: 2)));
        while (!backlog.IsEmpty)
        {
            backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        }

        Assert.Equal([(FrameType.Message, (byte)1, 200_000), (FrameType.Message, (byte)9, 50)], Whole(Read(wire)));
    }

    [Fact]
    public void Frames_of_no_process_keep_their_order_among_themselves()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        Take(backlog, Frame(sender: 0, 200_000, mark: 1), wire);
        backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        Take(backlog, Frame(sender: 0, 50, mark: 2), wire);
        Take(backlog, Frame(sender: 3, 50, mark: 3), wire);
        while (!backlog.IsEmpty)
        {
            backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        }

        Assert.Equal(
            [(FrameType.Message, (byte)3, 50), (FrameType.Message, (byte)1, 200_000), (FrameType.Message, (byte)2, 50)],
            Whole(Read(wire)));
    }

    [Fact]
    public void Nothing_is_held_while_frames_are_small_and_nothing_large_is_in_progress()
    {
        var backlog = new WriterBacklog(FragmentSize);
        Assert.False(backlog.MustHold(Frame(sender: 0, FragmentSize, mark: 1)));
        Assert.False(backlog.MustHold(Frame(sender: 5, 10, mark: 1)));
        Assert.True(backlog.MustHold(Frame(sender: 5, backlog.WholeLimit + 1, mark: 1)));
    }

    [Fact]
    public void A_frame_just_over_the_fragment_size_goes_out_whole()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        Assert.Equal(FragmentSize + (FragmentSize / 8), backlog.WholeLimit);
        Take(backlog, Frame(sender: 1, FragmentSize + 100, mark: 1), wire); // a 64 KiB payload and its envelope
        Take(backlog, Frame(sender: 1, backlog.WholeLimit, mark: 2), wire);

        Assert.True(backlog.IsEmpty);
        Assert.Equal([(FrameType.Message, (byte)1, FragmentSize + 100), (FrameType.Message, (byte)2, backlog.WholeLimit)], Read(wire));
    }

    [Fact]
    public void A_fragmented_frame_ends_with_one_fragment_for_its_tail_instead_of_a_fragment_of_a_few_bytes()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        int length = (2 * FragmentSize) + 10; // over the whole limit: one full fragment, then the rest in one
        Take(backlog, Frame(sender: 1, length, mark: 7), wire);
        while (!backlog.IsEmpty)
        {
            backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        }

        Assert.Equal([(FrameType.Fragment, (byte)0, 0), (FrameType.Fragment, (byte)0, 0), (FrameType.Message, (byte)7, length)], Read(wire));
    }

    [Fact]
    public void At_most_four_large_frames_are_in_progress_and_each_arrives_whole()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        for (int i = 1; i <= 6; i++)
        {
            Take(backlog, Frame(sender: i, 150_000 + i, mark: (byte)i), wire);
        }

        while (!backlog.IsEmpty)
        {
            backlog.WriteReady(wire, 4 * FragmentSize, committedOnly: false, done, out _);
        }

        int mostOpen = 0;
        List<(FrameType, byte, int)> whole = Whole(Read(wire, open: n => mostOpen = Math.Max(mostOpen, n)));
        Assert.Equal(WriterBacklog.MaxStarted, mostOpen);
        Assert.Equal(6, whole.Count);
        for (int i = 1; i <= 6; i++)
        {
            Assert.Contains((FrameType.Message, (byte)i, 150_000 + i), whole);
        }
    }

    [Fact]
    public void When_the_connection_ends_a_frame_partly_flushed_is_lost_and_the_rest_goes_back_in_the_order_taken()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        OutboundFrame partly = Frame(sender: 1, 200_000, mark: 1, takenAt: 1);
        OutboundFrame notStarted = Frame(sender: 1, 200_000, mark: 2, takenAt: 2);
        OutboundFrame waiting = Frame(sender: OutboundFrame.AfterAll, 10, mark: 3, takenAt: 4);
        backlog.Hold(partly);
        backlog.Hold(notStarted);
        backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        backlog.Commit(); // a flush started with a fragment of the first
        backlog.Hold(waiting);

        var putBack = new List<OutboundFrame> { Frame(sender: 7, 10, mark: 4, takenAt: 3) }; // the unflushed batch
        int lost = backlog.Abandon(putBack, out long released);

        Assert.Equal(1, lost);
        Assert.Equal(200_000 + 200_000 + 10, released);
        Assert.Equal([2L, 3L, 4L], putBack.Select(f => f.TakenAt));
        Assert.True(backlog.IsEmpty);
        Assert.False(backlog.HasCommitted);
    }

    [Fact]
    public void A_frame_written_in_a_batch_whose_flush_never_started_goes_back_whole()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        backlog.Hold(Frame(sender: 1, 200_000, mark: 1, takenAt: 1));
        backlog.WriteReady(wire, FragmentSize, committedOnly: false, new List<OutboundFrame>(), out _);
        Assert.False(backlog.HasCommitted);

        var putBack = new List<OutboundFrame>();
        Assert.Equal(0, backlog.Abandon(putBack, out _));
        Assert.Single(putBack);
    }

    [Fact]
    public void A_retiring_writer_finishes_only_what_is_partly_on_the_wire()
    {
        var backlog = new WriterBacklog(FragmentSize);
        var wire = new ArrayBufferWriter<byte>();
        var done = new List<OutboundFrame>();
        backlog.Hold(Frame(sender: 1, 200_000, mark: 1, takenAt: 1));
        backlog.WriteReady(wire, FragmentSize, committedOnly: false, done, out _);
        backlog.Commit();
        backlog.Hold(Frame(sender: 2, 200_000, mark: 2, takenAt: 2));
        while (backlog.HasCommitted)
        {
            backlog.WriteReady(wire, FragmentSize, committedOnly: true, done, out _);
            backlog.Commit();
        }

        Assert.Equal([(FrameType.Message, (byte)1, 200_000)], Whole(Read(wire)));
        Assert.Equal(1, backlog.Count);
    }
}
