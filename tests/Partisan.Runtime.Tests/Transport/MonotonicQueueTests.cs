using Partisan.Channels;

namespace Partisan.Tests.Transport;

public class MonotonicQueueTests
{
    private static OutboundFrame Frame(long key, byte value)
    {
        OutboundFrame frame = OutboundFrame.Rent();
        frame.Key = key;
        frame.Body.GetSpan(1)[0] = value;
        frame.Body.Advance(1);
        return frame;
    }

    [Fact]
    public void Only_the_newest_pending_frame_per_key_is_sent()
    {
        var queue = new MonotonicOutboundQueue(1 << 20);
        Assert.True(queue.TryEnqueue(Frame(1, 10)));
        Assert.True(queue.TryEnqueue(Frame(2, 20)));
        Assert.True(queue.TryEnqueue(Frame(1, 11)));
        Assert.True(queue.TryEnqueue(Frame(1, 12)));

        var sent = new List<(long, byte)>();
        while (queue.TryTake(out OutboundFrame frame))
        {
            Assert.True(frame.Body.TryGetSingleSegment(out ReadOnlySpan<byte> body));
            sent.Add((frame.Key, body[0]));
        }

        Assert.Equal([(2L, (byte)20), (1L, (byte)12)], sent);
        Assert.Equal(2, queue.Superseded);
        Assert.Equal(0, queue.PendingBytes);
    }

    [Fact]
    public void A_frame_already_taken_by_the_writer_is_not_superseded()
    {
        var queue = new MonotonicOutboundQueue(1 << 20);
        queue.TryEnqueue(Frame(1, 1));
        Assert.True(queue.TryTake(out OutboundFrame first));
        queue.TryEnqueue(Frame(1, 2));
        Assert.True(queue.TryTake(out OutboundFrame second));
        Assert.Equal(0, queue.Superseded);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void The_plain_queue_refuses_frames_past_its_byte_limit()
    {
        var queue = new OutboundQueue(2);
        Assert.True(queue.TryEnqueue(Frame(1, 1)));
        Assert.True(queue.TryEnqueue(Frame(1, 2)));
        Assert.False(queue.TryEnqueue(Frame(1, 3)));
        Assert.Equal(2, queue.Clear());
    }

    [Fact]
    public void On_the_membership_channel_only_marked_views_replace_each_other()
    {
        var queue = new MonotonicOutboundQueue(1 << 20, everyFrame: false);
        OutboundFrame View(byte value)
        {
            OutboundFrame frame = Frame(0, value);
            frame.SupersedeKey = 7;
            return frame;
        }

        Assert.True(queue.TryEnqueue(View(1)));
        Assert.True(queue.TryEnqueue(Frame(0, 50))); // an unmarked overlay message: kept
        Assert.True(queue.TryEnqueue(View(2)));
        Assert.True(queue.TryEnqueue(Frame(0, 51)));
        Assert.True(queue.TryEnqueue(View(3)));

        var sent = new List<byte>();
        while (queue.TryTake(out OutboundFrame frame))
        {
            Assert.True(frame.Body.TryGetSingleSegment(out ReadOnlySpan<byte> body));
            sent.Add(body[0]);
            OutboundFrame.Return(frame);
        }

        Assert.Equal([50, 51, 3], sent);
        Assert.Equal(2, queue.Superseded);
        Assert.Equal(0, queue.PendingBytes);
    }
}
