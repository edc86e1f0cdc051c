using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class MonitorAsyncTests
{
    [Fact]
    public async Task Code_outside_a_process_awaits_the_exit_reason_of_a_local_process()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var release = new TaskCompletionSource();
        Pid target = node.Spawn(async _ =>
        {
            await release.Task;
            throw new InvalidOperationException("boom");
        });

        Task<Down> watching = node.MonitorAsync(target);
        Assert.False(watching.IsCompleted);
        release.SetResult();

        Down down = await Eventually.Within(watching, "the Down arrives");
        Assert.Equal((ProcessRef)target, down.Target);
        Assert.Equal("error", down.Reason.Kind);
        Assert.Contains("boom", down.Reason.Detail);
    }

    [Fact]
    public async Task Awaiting_an_unknown_name_gives_noproc()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        Down down = await Eventually.Within(node.MonitorAsync(ProcessRef.ForName("nobody", node.Name)), "the Down arrives");

        Assert.Equal(ExitReason.NoProc, down.Reason);
    }

    [Fact]
    public async Task A_process_on_another_node_is_watched_until_it_stops()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid remote = cluster[1].Spawn(async ctx => await ctx.ReceiveAsync(), name: "worker");

        Task<Down> watching = cluster[0].MonitorAsync(ProcessRef.ForName("worker", cluster[1].Name));
        await Eventually.True(() => cluster[1].Monitors.Count == 1, "the remote side records the monitor");
        cluster[1].Send(remote, "stop");

        Down down = await Eventually.Within(watching, "the Down arrives");
        Assert.Equal(ExitReason.Normal, down.Reason);
    }

    [Fact]
    public async Task Canceling_removes_the_monitor_and_cancels_the_task()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid target = node.Spawn(async ctx => await ctx.ReceiveAsync());
        using var cancel = new CancellationTokenSource();

        Task<Down> watching = node.MonitorAsync(target, cancel.Token);
        Assert.Equal(1, node.Monitors.Count);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Eventually.Within(watching, "the task is canceled"));
        await Eventually.True(() => node.Monitors.Count == 0, "the monitor is removed with its inbox");
        Assert.True(node.IsAlive(target));
    }
}
