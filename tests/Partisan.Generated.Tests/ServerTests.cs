using Partisan.Generated.Tests.Servers;
using Partisan.Tests.Support;

namespace Partisan.Generated.Tests;

/// <summary>A generated [PartisanServer] and its client, over real TCP on 127.0.0.1.</summary>
public class ServerTests
{
    [Fact]
    public async Task Calls_casts_and_info_work_across_nodes_by_name_and_by_pid()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await Counter.StartAsync(cluster[1], name: "counter");
        CounterClient byName = Counter.Client(cluster[0], ProcessRef.ForName("counter", cluster[1].Name));
        CounterClient byPid = Counter.Client(cluster[0], pid);

        Assert.Equal(5L, await byName.AddAsync(5));
        Assert.Equal(6L, await byPid.AddAsync());
        Assert.Equal(6L, await byPid.SlowAsync(0));
        Assert.True(cluster[0].Send(pid, 10L)); // an info message
        Assert.Equal(16L, await byName.GetAsync());
        Assert.True(byName.Reset());
        Assert.Equal(0L, await byName.GetAsync()); // same sender, same server: the cast is handled first
        Assert.True(byPid.Set(42));
        await byPid.FlushAsync();
        Assert.Equal(42L, await byPid.GetAsync());
        Assert.True(cluster[0].Send(pid, 3)); // an int: the int? info handler
        Assert.Equal(45L, await byPid.GetAsync());
    }

    [Fact]
    public async Task Enum_and_nullable_enum_replies_cross_nodes()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        CounterClient counter = Counter.Client(cluster[0], await Counter.StartAsync(cluster[1]));

        Assert.Equal(Magnitude.Zero, await counter.MagnitudeOfAsync());
        Assert.Null(await counter.MagnitudeIfLargeAsync());
        await counter.AddAsync(500);
        Assert.Equal(Magnitude.Large, await counter.MagnitudeOfAsync());
        Assert.Equal(Magnitude.Large, await counter.MagnitudeIfLargeAsync());
    }

    [Fact]
    public async Task Concurrent_callers_on_two_nodes_each_get_their_own_reply()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);
        Pid pid = await Counter.StartAsync(cluster[0]);

        var calls = new List<Task<long>>();
        for (int i = 0; i < 100; i++)
        {
            calls.Add(Counter.Client(cluster[1 + (i % 2)], pid).AddAsync(1));
        }

        long[] results = await Task.WhenAll(calls);
        Array.Sort(results);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results);
    }

    [Fact]
    public async Task A_deferred_reply_comes_from_a_later_message()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        CounterClient counter = Counter.Client(cluster[0], await Counter.StartAsync(cluster[1]));

        Task<long> waiting = counter.WaitForAsync(3);
        Assert.Equal(1L, await counter.AddAsync(1));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(3L, await counter.AddAsync(2));

        Assert.Equal(3L, await waiting);
        Assert.Equal(3L, await counter.WaitForAsync(2)); // already reached: answered at once
    }

    [Fact]
    public async Task A_deferred_failure_fails_only_that_call()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        CounterClient counter = Counter.Client(cluster[0], await Counter.StartAsync(cluster[1]));

        var error = await Assert.ThrowsAsync<CallFailedException>(() => counter.RefuseAsync("not today"));

        Assert.Equal(typeof(ArgumentException).FullName, error.ErrorType);
        Assert.Contains("not today", error.Message);
        Assert.Equal(1L, await counter.AddAsync(1));
    }

    [Fact]
    public async Task A_call_times_out_on_virtual_time_and_its_late_reply_is_dropped()
    {
        var clock = new ManualTimeProvider();
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync(configure: o => o.TimeProvider = clock);
        var probe = new ServerProbe();
        CounterClient counter = Counter.Client(node, await Counter.StartAsync(node, () => new Counter(probe)));

        Task<long> slow = counter.SlowAsync(10_000, TimeSpan.FromSeconds(1));
        // Both timers (the call's timeout, the handler's delay) must exist before virtual time moves: one armed
        // after an advance would never fire, and the test would hang.
        await Eventually.Within(probe.SlowTimerArmed.Task, "the handler armed its timer");
        await Eventually.True(() => node.PendingCalls == 1, "the call is pending");
        clock.Advance(TimeSpan.FromSeconds(1));

        var timeout = await Assert.ThrowsAsync<CallTimeoutException>(() => slow);
        Assert.Equal(TimeSpan.FromSeconds(1), timeout.Timeout);
        clock.Advance(TimeSpan.FromSeconds(10)); // the handler finishes; its reply finds no caller
        Assert.Equal(0L, await counter.GetAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, node.PendingCalls);
    }

    [Fact]
    public async Task Cancelling_a_call_stops_the_wait()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        CounterClient counter = Counter.Client(node, await Counter.StartAsync(node));
        using var cancel = new CancellationTokenSource();

        Task<long> waiting = counter.WaitForAsync(100, cancel.Token);
        await Eventually.True(() => node.PendingCalls == 1, "the call is pending");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, node.PendingCalls);
    }

    [Fact]
    public async Task A_handler_exception_fails_the_call_and_stops_the_server_with_that_error()
    {
        var probe = new ServerProbe();
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        CounterClient counter = Counter.Client(cluster[0], await Counter.StartAsync(cluster[1], () => new Counter(probe)));

        var error = await Assert.ThrowsAsync<CallFailedException>(() => counter.CrashAsync("on purpose"));

        Assert.Equal(typeof(InvalidOperationException).FullName, error.ErrorType);
        Assert.Equal("error", (await Eventually.Within(probe.Terminated.Task, "terminate runs")).Kind);
        var gone = await Assert.ThrowsAsync<CalleeDownException>(() => counter.GetAsync());
        Assert.Equal(ExitReason.NoProc, gone.Reason);
    }

    [Fact]
    public async Task Calls_waiting_on_a_server_that_stops_fail_promptly_with_its_reason()
    {
        var probe = new ServerProbe();
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        CounterClient counter = Counter.Client(cluster[0], await Counter.StartAsync(cluster[1], () => new Counter(probe)));
        Task<long> waiting = counter.WaitForAsync(100, Timeout.InfiniteTimeSpan);
        await Eventually.True(() => cluster[0].PendingCalls == 1, "the call is pending");

        await counter.StopAsync(new ExitReason("maintenance"));

        var error = await Assert.ThrowsAsync<CalleeDownException>(() => waiting);
        Assert.Equal(new ExitReason("maintenance"), error.Reason);
        Assert.Equal(new ExitReason("maintenance"), await probe.Terminated.Task);
    }

    [Fact]
    public async Task A_handler_can_reply_and_stop()
    {
        var probe = new ServerProbe();
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid pid = await Counter.StartAsync(node, () => new Counter(probe));
        Task<ExitReason> exited = node.WhenExited(pid);

        Assert.Equal("bye", await Counter.Client(node, pid).RetireAsync("done"));

        Assert.Equal(new ExitReason("done"), await Eventually.Within(exited, "the server exits"));
        Assert.Equal(new ExitReason("done"), await probe.Terminated.Task);
    }

    [Fact]
    public async Task Calls_to_a_node_that_goes_down_fail_with_noconnection()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        CounterClient counter = Counter.Client(cluster[0], await Counter.StartAsync(cluster[1], name: "counter"));
        Task<long> waiting = counter.WaitForAsync(100, Timeout.InfiniteTimeSpan);
        await Eventually.True(() => cluster[0].PendingCalls == 1, "the call is pending");

        await nodes.StopAsync(cluster[1]);

        var error = await Assert.ThrowsAsync<CalleeDownException>(() => Eventually.Within(waiting, "the call fails"));
        Assert.Equal(ExitReason.NoConnection, error.Reason);
        var after = await Assert.ThrowsAsync<CalleeDownException>(() => counter.GetAsync());
        Assert.Equal(ExitReason.NoConnection, after.Reason);
    }

    [Fact]
    public async Task Start_monitor_delivers_down_when_the_server_stops_and_info_handlers_see_monitors()
    {
        var probe = new ServerProbe();
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        var watcher = Probe.Start(cluster[0]);
        (Pid pid, Ref monitor) = await Counter.StartMonitorAsync(cluster[0], watcher.Pid, () => new Counter(probe));
        Pid remote = await Counter.StartAsync(cluster[1]);

        // The server on cluster[0] monitors the one on cluster[1]; its [Info] handler gets the Down.
        Ref watching = await Counter.Client(cluster[0], pid).WatchAsync(remote);
        await Counter.Client(cluster[0], remote).StopAsync(new ExitReason("bye"));
        Down seen = await Eventually.Within(probe.SawDown.Task, "the server sees the remote exit");
        Assert.Equal((watching, new ExitReason("bye")), (seen.MonitorRef, seen.Reason));

        await Counter.Client(cluster[1], pid).StopAsync();
        Down down = await watcher.NextAsync<Down>();
        Assert.Equal((monitor, ExitReason.Normal), (down.MonitorRef, down.Reason));
    }

    [Fact]
    public async Task A_failing_init_fails_the_start_and_leaves_no_process()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        var error = await Assert.ThrowsAsync<GenServerStartException>(() => Counter.StartAsync(node, () => new Counter(new ServerProbe { InitFailure = "no config" }), "broken"));

        Assert.Contains("no config", error.Message);
        Assert.Null(node.WhereIs("broken"));
    }

    [Fact]
    public async Task A_request_the_server_does_not_handle_fails_that_call_and_the_server_keeps_running()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid pid = await Counter.StartAsync(cluster[1]);

        var error = await Assert.ThrowsAsync<CallFailedException>(() => cluster[0].CallAsync(pid, "what is this"));
        Assert.Equal(typeof(ArgumentException).FullName, error.ErrorType);
        Assert.Contains("no call handler for String", error.Message);
        Assert.True(cluster[0].Cast(pid, "nor this"));

        Assert.Equal(1L, await Counter.Client(cluster[0], pid).AddAsync(1));
    }

    [Fact]
    public async Task The_client_converts_to_and_from_remote_references_in_the_nodes_form()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o => o.RemoteRefFormat = RemoteRefFormat.Uri);
        Pid pid = await Counter.StartAsync(cluster[1], name: "counter");
        CounterClient counter = Counter.Client(cluster[0], pid);

        string uri = counter.ToString();
        Assert.StartsWith("partisan:pid:", uri, StringComparison.Ordinal);
        CounterClient again = Counter.Client(cluster[0], RemoteRef.ParseUri(uri));
        Assert.Equal(counter.Target, again.Target);
        Assert.Equal(2L, await again.AddAsync(2));

        CounterClient named = Counter.Client(cluster[0], RemoteRef.FromName("counter", cluster[1].Name));
        Assert.Equal(5L, await named.AddAsync(3));
        Assert.Equal(RemoteRef.FromPid(pid), counter.ToRemoteRef());
    }
}
