using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Processes;

/// <summary>
/// How a call ends when no reply comes: cancelled by its token, refused before it leaves, answered late. The call's
/// task is the pending call's own (no async method wraps it), so each ending must still tidy up exactly once.
/// </summary>
public sealed class CallCompletionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_cancelled_call_fails_with_its_token_and_is_no_longer_pending()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode node = await nodes.StartAsync();
        var requests = new TaskCompletionSource<CallRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Spawn(async ctx => requests.TrySetResult((CallRequest)await ctx.ReceiveAsync()), "silent");
        using var cancel = new CancellationTokenSource();

        Task<object?> call = node.CallAsync(ProcessRef.ForName("silent", node.Name), "hello", Timeout.InfiniteTimeSpan, cancel.Token);
        CallRequest request = await requests.Task.WaitAsync(Bound);
        Assert.Equal(1, node.PendingCalls);
        await cancel.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.Equal(0, node.PendingCalls);

        node.HandleFor(request).Reply("too late"); // dropped: nobody waits for it any more
        Assert.Equal(0, node.PendingCalls);
    }

    [Fact]
    public async Task A_call_with_a_token_already_cancelled_sends_nothing()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode node = await nodes.StartAsync();
        var probe = Probe.Start(node, "inbox");

        Task<object?> call = node.CallAsync(ProcessRef.ForName("inbox", node.Name), "hello", cancellationToken: new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, node.PendingCalls);
        Assert.True(node.Send(ProcessRef.ForName("inbox", node.Name), "after"));
        Assert.Equal("after", await probe.NextAsync()); // the call's request never reached the inbox
    }

    [Fact]
    public async Task A_request_that_cannot_be_encoded_fails_the_call_task_not_the_caller()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await nodes.StartClusterAsync(2);

        Task<object?> call = pair[0].CallAsync(ProcessRef.ForName("anyone", pair[1].Name), new NotRegistered());

        await Assert.ThrowsAsync<Partisan.Serialization.TypeRegistrationException>(() => call.WaitAsync(Bound));
        Assert.Equal(0, pair[0].PendingCalls);
    }

    [Fact]
    public async Task A_reply_completes_the_call_once_and_a_second_reply_is_dropped()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await nodes.StartClusterAsync(2);
        PartisanNode server = pair[1];
        server.Spawn(
            async ctx =>
            {
                var request = (CallRequest)await ctx.ReceiveAsync();
                CallHandle handle = server.HandleFor(request);
                handle.Reply("first");
                handle.Reply("second");
            },
            "twice");

        object? reply = await pair[0].CallAsync(ProcessRef.ForName("twice", server.Name), "hello").WaitAsync(Bound);

        Assert.Equal("first", reply);
        Assert.Equal(0, pair[0].PendingCalls);
    }

    private sealed class NotRegistered;
}
