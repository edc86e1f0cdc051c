using Partisan.Tests.Support;

namespace Partisan.Tests.Processes;

public class ProcessTests
{
    [Fact]
    public async Task A_process_receives_in_order_and_its_exit_reason_is_normal()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var seen = new List<object>();
        Pid pid = node.Spawn(async ctx =>
        {
            for (int i = 0; i < 3; i++)
            {
                seen.Add(await ctx.ReceiveAsync());
            }
        });

        node.Send(pid, 1);
        node.Send(pid, "two");
        node.Send(pid, 3L);

        Assert.Equal(ExitReason.Normal, await Eventually.Within(node.WhenExited(pid), "the process exits"));
        Assert.Equal([1, "two", 3L], seen);
        Assert.False(node.IsAlive(pid));
        Assert.False(node.Send(pid, "too late"));
    }

    [Fact]
    public async Task Registered_names_resolve_and_are_released_on_exit()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var probe = Probe.Start(node, "svc");

        Assert.Equal(probe.Pid, node.WhereIs("svc"));
        Assert.Contains("svc", node.RegisteredNames);
        Assert.Throws<ArgumentException>(() => node.Spawn(_ => Task.CompletedTask, "svc"));
        Assert.True(node.CastMessage(node.Name, "svc", "by name"));
        Assert.Equal(new CastRequest("by name"), await probe.NextAsync());
        Assert.True(node.Send(ProcessRef.ForName("svc", node.Name), "by name"));
        Assert.Equal("by name", await probe.NextAsync());

        Task<ExitReason> exited = node.WhenExited(probe.Pid);
        node.Exit(probe.Pid, ExitReason.Shutdown);
        Assert.Equal(ExitReason.Shutdown, await exited);
        Assert.Null(node.WhereIs("svc"));
        Pid again = node.Spawn(ctx => ctx.ReceiveAsync().AsTask(), "svc");
        Assert.Equal(again, node.WhereIs("svc"));
    }

    [Fact]
    public async Task Exit_stops_a_blocked_process_with_the_given_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid pid = node.Spawn(async ctx => await ctx.ReceiveAsync());

        Task<ExitReason> exited = node.WhenExited(pid);
        node.Exit(pid, new ExitReason("stop_now"));

        Assert.Equal(new ExitReason("stop_now"), await Eventually.Within(exited, "the exit"));
        Assert.Equal(ExitReason.NoProc, await node.WhenExited(pid));
    }

    [Fact]
    public async Task A_process_can_exit_itself_with_a_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid pid = node.Spawn(async ctx =>
        {
            await go.Task; // exits only once the test watches: WhenExited of a process already gone is noproc
            ctx.Exit(new ExitReason("done", "by itself"));
        });

        Task<ExitReason> exited = node.WhenExited(pid);
        go.SetResult();
        Assert.Equal(new ExitReason("done", "by itself"), await Eventually.Within(exited, "the exit"));
    }

    [Fact]
    public async Task Self_is_the_running_process_and_undefined_outside_one()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var self = new TaskCompletionSource<Pid>();
        Pid pid = node.Spawn(async ctx =>
        {
            await Task.Yield();
            self.SetResult(node.Self);
        });

        Assert.Equal(pid, await self.Task);
        Assert.Throws<InvalidOperationException>(() => node.Self);
    }

    [Fact]
    public async Task Receive_with_a_timeout_returns_null_on_virtual_time()
    {
        var clock = new ManualTimeProvider();
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync(configure: o => o.TimeProvider = clock);
        var result = new TaskCompletionSource<object?>();
        var waiting = new TaskCompletionSource();
        Pid pid = node.Spawn(async ctx =>
        {
            ValueTask<object?> receive = ctx.ReceiveAsync(TimeSpan.FromSeconds(10));
            waiting.SetResult();
            result.SetResult(await receive);
        });
        await waiting.Task;

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(result.Task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await Eventually.Within(result.Task, "the receive timeout"));
    }

    [Fact]
    public async Task Stopping_the_node_ends_its_processes_with_shutdown()
    {
        var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid pid = node.Spawn(async ctx => await ctx.ReceiveAsync());
        Task<ExitReason> exited = node.WhenExited(pid);

        await nodes.DisposeAsync();

        Assert.Equal(ExitReason.Shutdown, await Eventually.Within(exited, "the exit"));
    }

    [Fact]
    public async Task MakeRef_gives_unique_references()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var refs = Enumerable.Range(0, 1000).Select(_ => node.MakeRef()).ToHashSet();
        Assert.Equal(1000, refs.Count);
        Assert.All(refs, r => Assert.Equal(node.Name, r.Node));
    }
}
