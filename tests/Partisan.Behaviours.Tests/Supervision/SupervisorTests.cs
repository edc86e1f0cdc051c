using Microsoft.Extensions.Time.Testing;
using Partisan.Tests.Support;

namespace Partisan.Behaviours.Tests.Supervision;

public class SupervisorTests
{
    private static readonly ExitReason Crash = new("crash", "test");

    private static async Task<(TestNodes Nodes, PartisanNode Node, FakeTimeProvider Clock)> StartNodeAsync()
    {
        var clock = new FakeTimeProvider();
        var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync("sup", o => o.TimeProvider = clock);
        return (nodes, node, clock);
    }

    private static async Task<Pid[]> RunningAsync(PartisanNode node, Pid supervisor) =>
        [.. (await Supervisor.WhichChildrenAsync(node, supervisor)).Select(c => c.Pid ?? default)];

    private static Task UntilRestartedAsync(PartisanNode node, Pid supervisor, Pid crashed) =>
        Eventually.True(
            async () => (await Supervisor.WhichChildrenAsync(node, supervisor)).All(c => c.Pid is { } pid && pid != crashed && node.IsAlive(pid)),
            "the supervisor has restarted the crashed child");

    [Fact]
    public async Task Children_start_in_order_and_stop_in_reverse_order()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        var spec = new SupervisorSpec { Children = [workers.Spec("a"), workers.Spec("b"), workers.Spec("c")] };

        Pid supervisor = await Supervisor.StartAsync(node, spec);
        Assert.Equal(["start a", "start b", "start c"], workers.Events);
        IReadOnlyList<ChildInfo> children = await Supervisor.WhichChildrenAsync(node, supervisor);
        Assert.Equal(["a", "b", "c"], children.Select(c => c.Id));
        Assert.All(children, c => Assert.True(c.Pid is { } pid && node.IsAlive(pid)));

        await GenServer.StopAsync(node, supervisor, ExitReason.Shutdown);

        Assert.Equal(["start a", "start b", "start c", "stop c", "stop b", "stop a"], workers.Events);
        Assert.All(children, c => Assert.False(node.IsAlive(c.Pid!.Value)));
    }

    [Fact]
    public async Task One_for_one_restarts_only_the_child_that_crashed()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Strategy = RestartStrategy.OneForOne,
            Children = [workers.Spec("a"), workers.Spec("b"), workers.Spec("c")],
        });
        Pid[] before = await RunningAsync(node, supervisor);
        workers.Clear();

        node.Exit(before[1], Crash);
        await UntilRestartedAsync(node, supervisor, before[1]);

        Pid[] after = await RunningAsync(node, supervisor);
        Assert.Equal(before[0], after[0]);
        Assert.NotEqual(before[1], after[1]);
        Assert.Equal(before[2], after[2]);
        Assert.Equal(["start b"], workers.Events);
    }

    [Fact]
    public async Task One_for_all_stops_the_others_in_reverse_and_restarts_all_in_order()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Strategy = RestartStrategy.OneForAll,
            Children = [workers.Spec("a"), workers.Spec("b"), workers.Spec("c")],
        });
        Pid[] before = await RunningAsync(node, supervisor);
        workers.Clear();

        node.Exit(before[1], Crash);
        await Eventually.True(() => workers.Events.Count == 5, "the supervisor stopped two children and started three");

        Assert.Equal(["stop c", "stop a", "start a", "start b", "start c"], workers.Events);
        Pid[] after = await RunningAsync(node, supervisor);
        Assert.All(Enumerable.Range(0, 3), i => Assert.NotEqual(before[i], after[i]));
    }

    [Fact]
    public async Task Rest_for_one_restarts_the_crashed_child_and_those_started_after_it()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Strategy = RestartStrategy.RestForOne,
            Children = [workers.Spec("a"), workers.Spec("b"), workers.Spec("c"), workers.Spec("d")],
        });
        Pid[] before = await RunningAsync(node, supervisor);
        workers.Clear();

        node.Exit(before[1], Crash);
        await Eventually.True(() => workers.Events.Count == 5, "the supervisor stopped two children and started three");

        Assert.Equal(["stop d", "stop c", "start b", "start c", "start d"], workers.Events);
        Pid[] after = await RunningAsync(node, supervisor);
        Assert.Equal(before[0], after[0]);
        Assert.All(Enumerable.Range(1, 3), i => Assert.NotEqual(before[i], after[i]));
    }

    [Fact]
    public async Task More_restarts_than_the_intensity_within_the_period_end_the_supervisor_with_shutdown()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Intensity = 2,
            Period = TimeSpan.FromSeconds(5),
            Children = [workers.Spec("a"), workers.Spec("b")],
        });
        Task<ExitReason> supervisorExited = node.WhenExited(supervisor);

        for (int i = 0; i < 2; i++)
        {
            Pid crashed = (await RunningAsync(node, supervisor))[1];
            node.Exit(crashed, Crash);
            await UntilRestartedAsync(node, supervisor, crashed);
        }

        Pid a = (await RunningAsync(node, supervisor))[0];
        workers.Clear();
        node.Exit((await RunningAsync(node, supervisor))[1], Crash); // the third within 5 s (the clock has not moved)

        ExitReason reason = await Eventually.Within(supervisorExited, "the supervisor gives up");
        Assert.Equal(new ExitReason("shutdown", "reached_max_restart_intensity"), reason);
        Assert.Equal(["stop a"], workers.Events);
        Assert.False(node.IsAlive(a));
    }

    [Fact]
    public async Task Restarts_spread_beyond_the_period_are_tolerated()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Intensity = 1,
            Period = TimeSpan.FromSeconds(5),
            Children = [workers.Spec("a")],
        });

        for (int i = 0; i < 4; i++)
        {
            Pid crashed = (await RunningAsync(node, supervisor))[0];
            node.Exit(crashed, Crash);
            await UntilRestartedAsync(node, supervisor, crashed);
            clock.Advance(TimeSpan.FromSeconds(6));
        }

        Assert.True(node.IsAlive(supervisor));
    }

    [Fact]
    public async Task Transient_children_restart_only_after_a_crash_and_temporary_ones_never()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Intensity = 10,
            Children = [workers.Spec("transient", RestartType.Transient), workers.Spec("temporary", RestartType.Temporary)],
        });
        Pid[] before = await RunningAsync(node, supervisor);

        node.Exit(before[0], Crash);
        await Eventually.True(async () => (await RunningAsync(node, supervisor))[0] is var p && p != before[0] && p != default, "the crashed transient child is restarted");
        node.Send((await RunningAsync(node, supervisor))[0], "finish"); // a normal exit
        await Eventually.True(async () => (await Supervisor.WhichChildrenAsync(node, supervisor))[0].Pid is null, "the transient child stays terminated");
        node.Exit(before[1], Crash);
        await Eventually.True(async () => (await Supervisor.WhichChildrenAsync(node, supervisor)).Count == 1, "the temporary child is removed");

        Assert.Equal("transient", (await Supervisor.WhichChildrenAsync(node, supervisor))[0].Id);
    }

    [Fact]
    public async Task A_child_that_ignores_shutdown_is_killed_when_its_timeout_passes_on_the_node_clock()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Children = [workers.Spec("stubborn", ignoresShutdown: true, shutdown: ChildShutdown.After(TimeSpan.FromSeconds(5)))],
        });
        Pid child = (await RunningAsync(node, supervisor))[0];
        Task<ExitReason> childExited = node.WhenExited(child);

        Task terminated = Supervisor.TerminateChildAsync(node, supervisor, "stubborn");
        await Eventually.True(() => workers.Events.Contains("ignore stubborn"), "the child got the shutdown and ignored it");
        Assert.True(node.IsAlive(child));
        TimeSpan advanced = TimeSpan.Zero;
        while (!childExited.IsCompleted && advanced < TimeSpan.FromMinutes(1))
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.WhenAny(childExited, Task.Delay(10));
        }

        Assert.Equal(ExitReason.Killed, await childExited);
        Assert.True(advanced >= TimeSpan.FromSeconds(5), $"killed after {advanced} on the node's clock");
        await Eventually.Within(terminated, "TerminateChild returns");
        Assert.Null((await Supervisor.WhichChildrenAsync(node, supervisor))[0].Pid);
    }

    [Fact]
    public async Task Brutal_kill_kills_a_child_that_traps_exits_without_asking()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Children = [workers.Spec("a", shutdown: ChildShutdown.BrutalKill)],
        });
        Pid child = (await RunningAsync(node, supervisor))[0];
        Task<ExitReason> childExited = node.WhenExited(child);

        await Supervisor.TerminateChildAsync(node, supervisor, "a");

        Assert.Equal(ExitReason.Killed, await childExited);
        Assert.DoesNotContain("stop a", workers.Events);
    }

    [Fact]
    public async Task Child_operations_terminate_restart_start_and_delete_with_OTP_errors()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec { Children = [workers.Spec("a")] });

        Assert.Equal("running", (await Assert.ThrowsAsync<SupervisorException>(() => Supervisor.RestartChildAsync(node, supervisor, "a"))).Error);
        Assert.Equal("running", (await Assert.ThrowsAsync<SupervisorException>(() => Supervisor.DeleteChildAsync(node, supervisor, "a"))).Error);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<SupervisorException>(() => Supervisor.TerminateChildAsync(node, supervisor, "x"))).Error);
        Assert.Equal("already_present", (await Assert.ThrowsAsync<SupervisorException>(() => Supervisor.StartChildAsync(node, supervisor, workers.Spec("a")))).Error);

        Pid added = await Supervisor.StartChildAsync(node, supervisor, workers.Spec("b"));
        Assert.True(node.IsAlive(added));
        await Supervisor.TerminateChildAsync(node, supervisor, "a");
        Pid restarted = await Supervisor.RestartChildAsync(node, supervisor, "a");
        Assert.True(node.IsAlive(restarted));
        await Supervisor.TerminateChildAsync(node, supervisor, "b");
        await Supervisor.DeleteChildAsync(node, supervisor, "b");

        Assert.Equal(["a"], (await Supervisor.WhichChildrenAsync(node, supervisor)).Select(c => c.Id));
        Assert.Equal(["start a", "start b", "stop a", "start a", "stop b"], workers.Events);
    }

    [Fact]
    public async Task A_failing_child_start_fails_the_supervisor_start_after_stopping_the_started_ones()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        var failing = new ChildSpec("bad", _ => throw new InvalidOperationException("no"));

        await Assert.ThrowsAsync<GenServerStartException>(() => Supervisor.StartAsync(node, new SupervisorSpec { Children = [workers.Spec("a"), failing] }, "sup"));

        Assert.Equal(["start a", "stop a"], workers.Events);
        Assert.Null(node.WhereIs("sup"));
    }

    [Fact]
    public async Task A_supervisor_linked_to_a_parent_stops_with_it_and_reports_giving_up_to_it()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        Probe parent = await Probe.StartTrappingAsync(node);
        Pid giving = await Supervisor.StartLinkAsync(node, parent.Pid, new SupervisorSpec { Intensity = 0, Children = [workers.Spec("a")] });

        node.Exit((await RunningAsync(node, giving))[0], Crash);
        Assert.Equal(new Exit(giving, SupervisorServer.ReachedMaxRestartIntensity), await parent.NextAsync<Exit>());

        var plainParent = node.Spawn(async ctx => await ctx.ReceiveAsync());
        Pid supervisor = await Supervisor.StartLinkAsync(node, plainParent, new SupervisorSpec { Children = [workers.Spec("b")] });
        Task<ExitReason> supervisorExited = node.WhenExited(supervisor);
        workers.Clear();
        node.Exit(plainParent, Crash);

        Assert.Equal(Crash, await Eventually.Within(supervisorExited, "the supervisor exits with its parent"));
        Assert.Equal(["stop b"], workers.Events);
    }

    /// <summary>A server that reports the reason its terminate callback got.</summary>
    private sealed class TerminateRecorder(TaskCompletionSource<ExitReason> terminated) : GenServer
    {
        public override ValueTask TerminateAsync(ExitReason reason, GenServerContext context)
        {
            terminated.TrySetResult(reason);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_server_child_stopped_by_its_supervisor_terminates_with_shutdown()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var terminated = new TaskCompletionSource<ExitReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid supervisor = await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Children = [new ChildSpec("server", n => GenServer.StartAsync(n, () => new TerminateRecorder(terminated)))],
        });
        Pid child = (await RunningAsync(node, supervisor))[0];
        Task<ExitReason> childExited = node.WhenExited(child);

        await Supervisor.TerminateChildAsync(node, supervisor, "server");

        Assert.Equal(ExitReason.Shutdown, await childExited);
        Assert.Equal(ExitReason.Shutdown, await Eventually.Within(terminated.Task, "terminate runs"));
    }

    [Fact]
    public async Task A_supervisor_under_a_supervisor_is_restarted_and_stopped_with_its_children()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var workers = new TestWorkers();
        var inner = new SupervisorSpec { Children = [workers.Spec("w")] };
        Pid top = await Supervisor.StartAsync(node, new SupervisorSpec { Children = [Supervisor.ChildSupervisor("inner", inner, "inner_sup")] });
        Pid innerPid = node.WhereIs("inner_sup")!.Value;
        Assert.Equal(ChildKind.Supervisor, (await Supervisor.WhichChildrenAsync(node, top))[0].Kind);

        node.Exit(innerPid, Crash);
        await Eventually.True(() => node.WhereIs("inner_sup") is { } pid && pid != innerPid, "the inner supervisor is restarted under its name");
        // Its worker (trapping exits) got the crash through its link and stopped; the new inner supervisor started a new one.
        await Eventually.True(() => workers.Events.Count == 3, "the old worker stopped and a new one started");
        Assert.Equal(["start w", "start w", "stop w"], workers.Events.Order());
        workers.Clear();

        await Eventually.Within(GenServer.StopAsync(node, top, ExitReason.Shutdown), "the top supervisor stops");
        Assert.Equal(["stop w"], workers.Events);
        Assert.Null(node.WhereIs("inner_sup"));
    }
}
