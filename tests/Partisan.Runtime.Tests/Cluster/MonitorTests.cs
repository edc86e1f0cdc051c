using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class MonitorTests
{
    [Fact]
    public async Task A_local_monitor_reports_the_exit_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var watcher = Probe.Start(node);
        var release = new TaskCompletionSource();
        Pid target = node.Spawn(async _ =>
        {
            await release.Task;
            throw new InvalidOperationException("boom");
        });

        Ref monitor = node.Monitor(watcher.Pid, target);
        release.SetResult();

        Down down = await watcher.NextAsync<Down>();
        Assert.Equal(monitor, down.MonitorRef);
        Assert.Equal((ProcessRef)target, down.Target);
        Assert.Equal("error", down.Reason.Kind);
        Assert.Contains("boom", down.Reason.Detail);
        Assert.False(node.IsAlive(target));
    }

    [Fact]
    public async Task A_watcher_that_exits_takes_its_monitors_of_local_targets_with_it()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var release = new TaskCompletionSource();
        Pid target = node.Spawn(_ => release.Task);
        for (int i = 0; i < 50; i++)
        {
            var monitored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Pid watcher = node.Spawn(ctx =>
            {
                ctx.Monitor(target);
                monitored.SetResult();
                return Task.CompletedTask; // exits at once, holding the monitor
            });
            await monitored.Task;
            await node.WhenExited(watcher);
        }

        // A long-lived target must not keep a watch for every short-lived process that once watched it.
        await Eventually.True(() => node.Monitors.Count == 0, "the exited watchers' monitors are gone");
        var survivor = Probe.Start(node);
        Ref kept = node.Monitor(survivor.Pid, target);
        Assert.Equal(1, node.Monitors.Count);
        release.SetResult();
        Down down = await survivor.NextAsync<Down>();
        Assert.Equal(kept, down.MonitorRef);
        Assert.Equal(0, node.Monitors.Count);
    }

    [Fact]
    public async Task Monitoring_a_dead_or_unknown_process_gives_noproc_at_once()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var watcher = Probe.Start(node);
        Pid gone = node.Spawn(_ => Task.CompletedTask);
        await node.WhenExited(gone);

        node.Monitor(watcher.Pid, gone);
        node.Monitor(watcher.Pid, ProcessRef.ForName("nobody", node.Name));

        Assert.Equal(ExitReason.NoProc, (await watcher.NextAsync<Down>()).Reason);
        Assert.Equal(ExitReason.NoProc, (await watcher.NextAsync<Down>()).Reason);
    }

    [Fact]
    public async Task A_remote_monitor_reports_exit_reason_and_demonitor_silences_it()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode a = cluster[0];
        PartisanNode b = cluster[1];
        var watcher = Probe.Start(a);
        Pid first = b.Spawn(async ctx => await ctx.ReceiveAsync());
        Pid second = b.Spawn(async ctx => await ctx.ReceiveAsync());

        Ref kept = a.Monitor(watcher.Pid, first);
        Ref dropped = a.Monitor(watcher.Pid, second);
        await Eventually.True(() => b.IsAlive(first) && MonitorCount(b) == 2, "b records both monitors");
        Assert.True(a.Demonitor(dropped));
        await Eventually.True(() => MonitorCount(b) == 1, "b drops the cancelled monitor");

        b.Exit(second, new ExitReason("custom", "second"));
        b.Exit(first, new ExitReason("custom", "first"));

        Down down = await watcher.NextAsync<Down>();
        Assert.Equal(kept, down.MonitorRef);
        Assert.Equal(new ExitReason("custom", "first"), down.Reason);
        Assert.False(watcher.TryNext(out _));
    }

    [Fact]
    public async Task Remote_monitor_of_a_missing_process_gives_noproc()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        var watcher = Probe.Start(cluster[0]);

        cluster[0].Monitor(watcher.Pid, ProcessRef.ForName("missing", cluster[1].Name));

        Assert.Equal(ExitReason.NoProc, (await watcher.NextAsync<Down>()).Reason);
    }

    [Fact]
    public async Task Monitors_fire_with_noconnection_when_the_node_goes_down()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode a = cluster[0];
        PartisanNode b = cluster[1];
        var watcher = Probe.Start(a);
        Pid remote = b.Spawn(async ctx => await Task.Delay(Timeout.Infinite, ctx.Stopping));
        a.Monitor(watcher.Pid, remote);
        a.MonitorNode(watcher.Pid, b.Name);
        await Eventually.True(() => MonitorCount(b) == 1, "b records the monitor");

        await nodes.StopAsync(b);

        var received = new List<object> { await watcher.NextAsync(), await watcher.NextAsync() };
        Assert.Contains(received, m => m is Down { Reason.Kind: "noconnection" } d && d.Target == (ProcessRef)remote);
        Assert.Contains(received, m => m is NodeDown nd && nd.Node == b.Name);
    }

    [Fact]
    public async Task MonitorNodes_reports_nodes_coming_and_going()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        var watcher = Probe.Start(a);
        a.MonitorNodes(watcher.Pid);

        PartisanNode b = await nodes.StartAsync("b");
        await b.JoinAsync(a.ListenAddresses[0]);
        Assert.Equal(b.Name, (await watcher.NextAsync<NodeUp>()).Node);

        await nodes.StopAsync(b);
        Assert.Equal(b.Name, (await watcher.NextAsync<NodeDown>()).Node);
    }

    [Fact]
    public async Task MonitorNode_on_an_unconnected_node_reports_nodedown_at_once()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        var watcher = Probe.Start(a);
        NodeName ghost = NodeName.Parse("ghost@127.0.0.1");

        a.MonitorNode(watcher.Pid, ghost);
        a.Monitor(watcher.Pid, new Pid(ghost, 1));

        var received = new List<object> { await watcher.NextAsync(), await watcher.NextAsync() };
        Assert.Contains(received, m => m is NodeDown nd && nd.Node == ghost);
        Assert.Contains(received, m => m is Down { Reason.Kind: "noconnection" });
    }

    private static int MonitorCount(PartisanNode node) => node.Monitors.Count;
}
