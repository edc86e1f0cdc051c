using Partisan.Processes;

namespace Partisan.Tests.Processes;

/// <summary>The process mailbox on its own: order, the hand-over to a waiting reader, closing, cancellation, many writers.</summary>
public class MailboxTests
{
    [Fact]
    public async Task Messages_come_out_in_arrival_order_across_wrap_around_and_growth()
    {
        var mailbox = new Mailbox();
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < 3 + (round * 7); i++)
            {
                Assert.True(mailbox.Post(next++));
            }

            for (int i = 0; i < 2 + (round * 5); i++)
            {
                Assert.Equal(expected++, await mailbox.ReceiveAsync());
            }
        }

        Assert.Equal(next - expected, mailbox.Count);
        while (mailbox.TryTake(out object? message))
        {
            Assert.Equal(expected++, message);
        }

        Assert.Equal(next, expected);
        Assert.Equal(0, mailbox.Count);
    }

    [Fact]
    public async Task A_waiting_reader_is_handed_the_next_message_and_nothing_is_queued()
    {
        var mailbox = new Mailbox();
        ValueTask<object> wait = mailbox.ReceiveAsync();
        Assert.False(wait.IsCompleted);

        Assert.True(mailbox.Post("hello"));

        Assert.Equal(0, mailbox.Count);
        Assert.Equal("hello", await wait);
        Assert.True(mailbox.Post("again"));
        Assert.Equal(1, mailbox.Count);
        Assert.Equal("again", await mailbox.ReceiveAsync());
    }

    [Fact]
    public async Task Closing_wakes_the_reader_refuses_posts_and_leaves_what_was_queued_to_drain()
    {
        var mailbox = new Mailbox();
        ValueTask<object> wait = mailbox.ReceiveAsync();
        mailbox.Close();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
        Assert.False(mailbox.Post("late"));

        var other = new Mailbox();
        Assert.True(other.Post(1));
        Assert.True(other.Post(2));
        other.Close();
        Assert.False(other.Post(3));
        Assert.True(other.TryTake(out object? first));
        Assert.Equal(1, first);
        Assert.True(other.TryTake(out object? second));
        Assert.Equal(2, second);
        Assert.False(other.TryTake(out _));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await other.ReceiveAsync());
    }

    [Fact]
    public async Task A_cancelled_wait_ends_and_a_message_that_arrives_afterwards_is_kept_for_the_next_receive()
    {
        var mailbox = new Mailbox();
        using var cancel = new CancellationTokenSource();
        ValueTask<object> wait = mailbox.ReceiveCancellableAsync(cancel.Token);
        Assert.False(wait.IsCompleted);

        cancel.Cancel();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.True(mailbox.Post("kept"));

        Assert.Equal("kept", await mailbox.ReceiveAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await mailbox.ReceiveCancellableAsync(cancel.Token));
        using var later = new CancellationTokenSource();
        ValueTask<object> next = mailbox.ReceiveCancellableAsync(later.Token);
        Assert.True(mailbox.Post("in time"));
        Assert.Equal("in time", await next);
        later.Cancel(); // after the wait ended: nothing to cancel, and the next wait is not touched
        ValueTask<object> last = mailbox.ReceiveAsync();
        Assert.True(mailbox.Post("last"));
        Assert.Equal("last", await last);
    }

    [Fact]
    public async Task Many_writers_and_one_reader_lose_nothing_and_keep_each_writers_order()
    {
        const int Writers = 4;
        const int PerWriter = 20_000;
        var mailbox = new Mailbox();
        Task[] writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < PerWriter; i++)
            {
                Assert.True(mailbox.Post((w, i)));
            }
        })).ToArray();

        int[] next = new int[Writers];
        for (int n = 0; n < Writers * PerWriter; n++)
        {
            var (w, i) = ((int, int))await mailbox.ReceiveAsync();
            Assert.Equal(next[w]++, i);
        }

        await Task.WhenAll(writers);
        Assert.Equal(0, mailbox.Count);
    }
}
