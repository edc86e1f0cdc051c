using Partisan.Tests.Support;

namespace Partisan.Behaviours.Tests;

public class GenServerTests
{
    private static int Add(int by) => by;

    [Fact]
    public async Task Calls_casts_and_info_run_one_at_a_time_locally_and_remotely_by_pid_and_name()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await GenServer.StartAsync(cluster[1], () => new CounterServer(), "counter");
        var byName = ProcessRef.ForName("counter", cluster[1].Name);

        Assert.Equal(5L, await GenServer.CallAsync<long>(cluster[0], pid, Add(5)));
        Assert.Equal(7L, await GenServer.CallAsync<long>(cluster[0], byName, Add(2)));
        Assert.Equal(10L, await GenServer.CallAsync<long>(cluster[1], byName, Add(3)));
        cluster[0].Send(byName, 100L); // info
        Assert.Equal(110L, await GenServer.CallAsync<long>(cluster[0], byName, "get"));
        Assert.True(GenServer.Cast(cluster[0], byName, "reset"));
        Assert.Equal(0L, await GenServer.CallAsync<long>(cluster[0], byName, "get"));
    }

    [Fact]
    public async Task Many_concurrent_remote_callers_get_their_own_replies()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await GenServer.StartAsync(cluster[1], () => new CounterServer());

        long[] results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => GenServer.CallAsync<long>(cluster[0], pid, Add(1))));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), results.Order());
    }

    [Fact]
    public async Task A_deferred_reply_is_sent_later_from_another_message()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await GenServer.StartAsync(cluster[1], () => new CounterServer());

        Task<string> first = GenServer.CallAsync<string>(cluster[0], pid, "wait");
        Task<string> second = GenServer.CallAsync<string>(cluster[0], pid, "wait");
        Assert.Equal(2, await GenServer.CallAsync<int>(cluster[0], pid, "release"));

        Assert.Equal("released", await first);
        Assert.Equal("released", await second);
    }

    [Fact]
    public async Task A_call_times_out_on_virtual_time_and_the_late_reply_is_dropped()
    {
        var clock = new ManualTimeProvider();
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync(configure: o => o.TimeProvider = clock);
        var server = new CounterServer();
        Pid pid = await GenServer.StartAsync(node, () => server);

        Task<object?> call = GenServer.CallAsync(node, pid, "slow", TimeSpan.FromSeconds(5));
        // Both timers (the call's timeout and the handler's delay) must exist before virtual time moves, or one of
        // them would be armed after the advance and never fire (this test used to hang now and then).
        await Eventually.Within(server.SlowTimerArmed.Task, "the handler armed its timer");
        await Eventually.True(() => node.PendingCalls == 1, "the call is pending");
        clock.Advance(TimeSpan.FromSeconds(5));

        var timeout = await Assert.ThrowsAsync<CallTimeoutException>(() => call);
        Assert.Equal(TimeSpan.FromSeconds(5), timeout.Timeout);
        Assert.Equal(0, node.PendingCalls);

        clock.Advance(TimeSpan.FromSeconds(30)); // the handler finishes and replies to nobody
        Assert.Equal(0L, await GenServer.CallAsync<long>(node, pid, "get", TimeSpan.FromSeconds(5)));
        Assert.Equal(0, node.PendingCalls);
    }

    [Fact]
    public async Task A_call_to_a_missing_process_fails_with_noproc_locally_and_remotely()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);

        var local = await Assert.ThrowsAsync<CalleeDownException>(() => GenServer.CallAsync(cluster[0], ProcessRef.ForName("nobody", cluster[0].Name), "get"));
        var remote = await Assert.ThrowsAsync<CalleeDownException>(() => GenServer.CallAsync(cluster[0], ProcessRef.ForName("nobody", cluster[1].Name), "get"));

        Assert.Equal(ExitReason.NoProc, local.Reason);
        Assert.Equal(ExitReason.NoProc, remote.Reason);
    }

    [Fact]
    public async Task A_handler_exception_fails_the_call_and_stops_the_server_with_that_error()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await GenServer.StartAsync(cluster[1], () => new CounterServer());
        Task<ExitReason> exited = cluster[1].WhenExited(pid);

        var error = await Assert.ThrowsAsync<CallFailedException>(() => GenServer.CallAsync(cluster[0], pid, "crash"));

        Assert.Equal(typeof(InvalidOperationException).FullName, error.ErrorType);
        Assert.Contains("crashed on purpose", error.Message);
        ExitReason reason = await Eventually.Within(exited, "the server exits");
        Assert.Equal("error", reason.Kind);
    }

    [Fact]
    public async Task Calls_waiting_on_a_server_that_dies_fail_promptly_with_its_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await GenServer.StartAsync(cluster[1], () => new CounterServer());
        Task<object?> deferred = GenServer.CallAsync(cluster[0], pid, "wait", Timeout.InfiniteTimeSpan);
        await Eventually.True(() => cluster[0].PendingCalls == 1, "the call is pending");

        await GenServer.StopAsync(cluster[0], pid, new ExitReason("maintenance"));

        var error = await Assert.ThrowsAsync<CalleeDownException>(() => deferred);
        Assert.Equal(new ExitReason("maintenance"), error.Reason);
    }

    [Fact]
    public async Task Each_of_several_unanswered_calls_fails_when_the_server_stops_and_answered_ones_stay_answered()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid pid = await GenServer.StartAsync(node, () => new CounterServer());
        Task<string> first = GenServer.CallAsync<string>(node, pid, "wait");
        Task<string> second = GenServer.CallAsync<string>(node, pid, "wait");
        Assert.Equal(2, await GenServer.CallAsync<int>(node, pid, "release"));
        Assert.Equal("released", await first);
        Assert.Equal("released", await second);
        Assert.Equal(1L, await GenServer.CallAsync<long>(node, pid, Add(1))); // answered at once: never left outstanding

        Task<object?>[] left = [.. Enumerable.Range(0, 3).Select(_ => GenServer.CallAsync(node, pid, "wait", Timeout.InfiniteTimeSpan))];
        await Eventually.True(() => node.PendingCalls == 3, "three calls are pending");
        await GenServer.StopAsync(node, pid, new ExitReason("maintenance"));

        foreach (Task<object?> call in left)
        {
            var error = await Assert.ThrowsAsync<CalleeDownException>(() => call);
            Assert.Equal(new ExitReason("maintenance"), error.Reason);
        }

        Assert.Equal(0, node.PendingCalls);
    }

    [Fact]
    public async Task Calls_to_a_node_that_goes_down_fail_with_noconnection()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await GenServer.StartAsync(cluster[1], () => new CounterServer());
        Task<object?> pending = GenServer.CallAsync(cluster[0], pid, "silent", Timeout.InfiniteTimeSpan);
        await Eventually.True(() => cluster[0].PendingCalls == 1, "the call is pending");

        await nodes.StopAsync(cluster[1]);

        var error = await Assert.ThrowsAsync<CalleeDownException>(() => Eventually.Within(pending, "the call fails"));
        Assert.Equal(ExitReason.NoConnection, error.Reason);
        var after = await Assert.ThrowsAsync<CalleeDownException>(() => GenServer.CallAsync(cluster[0], pid, "get"));
        Assert.Equal(ExitReason.NoConnection, after.Reason);
    }

    [Fact]
    public async Task Stop_and_reply_replies_then_terminates_with_the_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid pid = await GenServer.StartAsync(node, () => new CounterServer());
        Task<ExitReason> exited = node.WhenExited(pid);

        Assert.Equal("bye", await GenServer.CallAsync<string>(node, pid, "stop"));

        Assert.Equal(new ExitReason("asked"), await Eventually.Within(exited, "the exit"));
        lock (CounterServer.Terminated)
        {
            Assert.Contains(new ExitReason("asked"), CounterServer.Terminated);
        }
    }

    [Fact]
    public async Task Init_failure_fails_the_start()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        var error = await Assert.ThrowsAsync<GenServerStartException>(() => GenServer.StartAsync(node, () => new FailingInit(), "failing"));

        Assert.Contains("no config", error.Message);
        Assert.Null(node.WhereIs("failing"));
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_is_a_clear_error()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid pid = await GenServer.StartAsync(node, () => new CounterServer());

        var error = await Assert.ThrowsAsync<CallFailedException>(() => GenServer.CallAsync<string>(node, pid, "get"));

        Assert.Contains("not String", error.Message);
    }

    private sealed class FailingInit : GenServer
    {
        public override ValueTask InitAsync(GenServerContext context) => throw new InvalidOperationException("no config");
    }
}
