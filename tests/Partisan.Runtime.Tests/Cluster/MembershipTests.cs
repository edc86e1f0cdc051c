using Partisan.Faults;
using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class MembershipTests
{
    [Fact]
    public async Task Five_nodes_converge_to_full_mesh()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(5);
        foreach (PartisanNode node in cluster)
        {
            Assert.Equal(5, node.Members().Count);
            Assert.Equal(4, node.Nodes().Count);
        }
    }

    [Fact]
    public async Task A_node_that_leaves_is_dropped_by_the_others_and_lists_only_itself()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);
        PartisanNode leaver = cluster[2];

        await leaver.LeaveAsync();

        await Eventually.True(() => cluster[0].Members().Count == 2 && cluster[1].Members().Count == 2, "the others drop the leaver");
        Assert.DoesNotContain(leaver.Name, cluster[0].Members());
        Assert.DoesNotContain(leaver.Name, cluster[1].Members());
        Assert.Equal([leaver.Name], leaver.Members());
        await Eventually.True(() => !cluster[0].IsConnected(leaver.Name) && leaver.Nodes().Count == 0, "connections to the leaver close");
    }

    [Fact]
    public async Task Removing_another_node_makes_it_leave_and_it_can_rejoin()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);
        PartisanNode removed = cluster[1];

        await cluster[0].LeaveAsync(removed.Name);

        await Eventually.True(() => cluster[0].Members().Count == 2 && cluster[2].Members().Count == 2, "the remaining nodes drop the removed node");
        await Eventually.True(() => removed.Members().Count == 1, "the removed node learns it was removed and lists only itself");

        await removed.JoinAsync(cluster[0].ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee(cluster), "the removed node rejoins and everyone converges again");
    }

    [Fact]
    public async Task A_removed_node_that_missed_the_notice_learns_it_from_the_next_anti_entropy_answer()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] pair = await nodes.StartClusterAsync(2, o => o.Faults.Enabled = true);
        (PartisanNode a, PartisanNode c) = (pair[0], pair[1]);
        FaultHandle lost = a.Faults.Add(new FaultRule { Action = FaultAction.Drop, Peer = c.Name, Channel = ChannelOptions.MembershipName });

        await a.LeaveAsync(c.Name); // the notice to c is lost
        await Eventually.True(() => !a.Members().Contains(c.Name), "a no longer lists c");
        Assert.Contains(a.Name, c.Members());

        // c still counts a as a member, dials it and probes it; a answers a prober that is not its member with its state.
        a.Faults.Remove(lost);
        await Eventually.True(() => c.Members().Count == 1, "c learns that it was removed and lists only itself");
        Assert.DoesNotContain(c.Name, a.Members());
    }

    [Fact]
    public async Task A_node_restarted_on_a_new_address_appears_once_with_its_new_address()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        string name = TestNodes.UniqueName("restarting");
        PartisanNode first = await nodes.StartAsync(configure: o => o.NodeName = name);
        await first.JoinAsync(a.ListenAddresses[0]);
        await Eventually.True(() => a.Members().Count == 2 && a.IsConnected(first.Name), "the first run joins");
        ListenAddress oldAddress = first.ListenAddresses[0];

        await nodes.StopAsync(first);
        await Eventually.True(() => !a.IsConnected(first.Name), "a sees the first run go");

        PartisanNode second = await nodes.StartAsync(configure: o => o.NodeName = name);
        Assert.NotEqual(oldAddress, second.ListenAddresses[0]);
        await second.JoinAsync(a.ListenAddresses[0]);

        await Eventually.True(
            () => a.PeerService.MemberSpecs.Count == 2 && a.PeerService.MemberSpecs.Any(s => s.Name == second.Name && s.ListenAddresses[0] == second.ListenAddresses[0]) && a.IsConnected(second.Name),
            "a lists the restarted node once, with its new address");
        Assert.Single(a.Members(), n => n == second.Name);

        var probe = Probe.Start(second, "inbox");
        Assert.True(a.Send(ProcessRef.ForName("inbox", second.Name), "to the new run"));
        Assert.Equal("to the new run", await probe.NextAsync());
    }

    [Fact]
    public async Task Join_with_a_wrong_cluster_secret_fails_clearly_and_leaves_the_cluster_unharmed()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode intruder = await nodes.StartAsync("intruder", o => o.ClusterSecret = "a-different-secret");

        var error = await Assert.ThrowsAsync<HandshakeException>(() => intruder.JoinAsync(cluster[0].ListenAddresses[0]));

        Assert.Equal(HandshakeFailure.AuthenticationFailed, error.Reason);
        Assert.Contains("secret", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, cluster[0].Members().Count);
        Assert.DoesNotContain(intruder.Name, cluster[0].Members());
        var probe = Probe.Start(cluster[1]);
        Assert.True(cluster[0].Send(probe.Pid, "still fine"));
        Assert.Equal("still fine", await probe.NextAsync());
    }

    [Fact]
    public async Task Up_and_down_callbacks_fire_for_a_node_that_stops()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        var ups = new TaskCompletionSource<NodeName>(TaskCreationOptions.RunContinuationsAsynchronously);
        var downs = new TaskCompletionSource<(NodeName, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable up = a.OnUp(n => ups.TrySetResult(n));
        using IDisposable down = a.OnDown((n, reason) => downs.TrySetResult((n, reason)));

        PartisanNode b = await nodes.StartAsync("b");
        await b.JoinAsync(a.ListenAddresses[0]);
        Assert.Equal(b.Name, await Eventually.Within(ups.Task, "the up callback"));

        await nodes.StopAsync(b);
        (NodeName node, string reason) = await Eventually.Within(downs.Task, "the down callback");
        Assert.Equal(b.Name, node);
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Contains(b.Name, a.Members()); // still a member: it did not leave, it went down
        await Eventually.True(() => !a.Nodes().Contains(b.Name), "a lists b as connected no more"); // a redials a member that is down; b's refusal ends that
    }
}
