using Partisan.Channels;

namespace Partisan.Tests.Transport;

/// <summary>
/// A sender that can wait stops at the queue's back-pressure bytes and resumes once the writer drained half of them;
/// a sender that cannot wait is refused only at the queue's byte limit.
/// </summary>
public class OutboundQueueBackPressureTests
{
    private static OutboundFrame Frame(int length)
    {
        OutboundFrame frame = OutboundFrame.Rent();
        frame.Body.GetSpan(length)[..length].Fill(7);
        frame.Body.Advance(length);
        return frame;
    }

    private static void Drain(OutboundQueue queue, int frames)
    {
        for (int i = 0; i < frames; i++)
        {
            Assert.True(queue.TryTake(out OutboundFrame frame));
            OutboundFrame.Return(frame);
        }
    }

    [Fact]
    public async Task A_waiting_sender_waits_past_the_back_pressure_bytes_until_half_are_drained()
    {
        var queue = new OutboundQueue(maxPendingBytes: 1000, backPressureBytes: 400);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(await queue.EnqueueAsync(Frame(100), static () => true, CancellationToken.None));
        }

        ValueTask<bool> waiting = queue.EnqueueAsync(Frame(100), static () => true, CancellationToken.None);
        Assert.False(waiting.IsCompleted); // 400 queued: one more would pass the back-pressure bytes
        Assert.Equal(400, queue.PendingBytes);

        Drain(queue, 1); // 300 left: still more than half
        Assert.False(waiting.IsCompleted);

        Drain(queue, 1); // 200 left: half drained, the sender goes on
        Assert.True(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(300, queue.PendingBytes);
        Assert.Equal(3, queue.Clear());
    }

    [Fact]
    public void A_sender_that_cannot_wait_is_refused_only_at_the_byte_limit()
    {
        var queue = new OutboundQueue(maxPendingBytes: 1000, backPressureBytes: 400);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(queue.TryEnqueue(Frame(100)));
        }

        OutboundFrame refused = Frame(100);
        Assert.False(queue.TryEnqueue(refused));
        OutboundFrame.Return(refused);
        Assert.Equal(10, queue.Clear());
    }

    [Fact]
    public async Task A_message_larger_than_the_back_pressure_bytes_waits_for_an_empty_queue()
    {
        var queue = new OutboundQueue(maxPendingBytes: 10_000, backPressureBytes: 400);
        Assert.True(await queue.EnqueueAsync(Frame(100), static () => true, CancellationToken.None));
        ValueTask<bool> large = queue.EnqueueAsync(Frame(1000), static () => true, CancellationToken.None);
        Assert.False(large.IsCompleted);

        Drain(queue, 1);
        Assert.True(await large.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1000, queue.PendingBytes);
        Assert.Equal(1, queue.Clear());
    }

    [Fact]
    public async Task A_waiting_sender_whose_peer_is_gone_gives_up()
    {
        var queue = new OutboundQueue(maxPendingBytes: 1000, backPressureBytes: 100);
        Assert.True(await queue.EnqueueAsync(Frame(100), static () => true, CancellationToken.None));
        bool wanted = true;
        OutboundFrame frame = Frame(100);
        ValueTask<bool> waiting = queue.EnqueueAsync(frame, () => Volatile.Read(ref wanted), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        Volatile.Write(ref wanted, false); // noticed at the next wake-up (at most 100 ms)
        Assert.False(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        OutboundFrame.Return(frame);
        Assert.Equal(1, queue.Clear());
    }
}
