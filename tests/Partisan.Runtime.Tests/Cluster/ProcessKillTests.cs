using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class ProcessKillTests
{
    [Fact]
    public async Task A_killed_node_process_is_detected_by_the_others()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        using NodeProcess child = await NodeProcess.StartAsync(TestNodes.UniqueName("killme"), "test-cluster-secret", cluster[0].ListenAddresses[0]);
        await Eventually.True(() => cluster.All(n => n.Members().Contains(child.Name) && n.IsConnected(child.Name)), "both nodes see the child process's node");

        var watcher = Probe.Start(cluster[0]);
        cluster[0].Monitor(watcher.Pid, ProcessRef.ForName("inbox", child.Name));
        cluster[0].MonitorNode(watcher.Pid, child.Name);
        var downAtB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable subscription = cluster[1].OnDown((node, reason) =>
        {
            if (node == child.Name)
            {
                downAtB.TrySetResult(reason);
            }
        });
        await Eventually.True(() => cluster[0].Send(ProcessRef.ForName("inbox", child.Name), "ping"), "a message reaches the child");
        await child.WaitForLineAsync(l => l.StartsWith("RECV", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        child.Kill();

        var received = new List<object> { await watcher.NextAsync(), await watcher.NextAsync() };
        Assert.Contains(received, m => m is Down { Reason.Kind: "noconnection" });
        Assert.Contains(received, m => m is NodeDown nd && nd.Node == child.Name);
        Assert.False(string.IsNullOrEmpty(await Eventually.Within(downAtB.Task, "b sees the killed node go down")));
        Assert.DoesNotContain(child.Name, cluster[0].Nodes());
        Assert.DoesNotContain(child.Name, cluster[1].Nodes());
    }
}
