using Partisan.Tests.Support;
using Partisan.Faults;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

public class InMemoryClusterTests
{
    [Fact]
    public async Task Ten_nodes_on_an_in_memory_network_converge_and_detect_a_crash()
    {
        var network = new InMemoryNetwork();
        await using var nodes = new TestNodes(network);
        PartisanNode[] cluster = await nodes.StartClusterAsync(10, o => o.Faults.Enabled = true);
        var probe = Probe.Start(cluster[9], "inbox");
        Assert.True(cluster[0].Send(ProcessRef.ForName("inbox", cluster[9].Name), "through memory"));
        Assert.Equal("through memory", await probe.NextAsync());

        PartisanNode victim = cluster[5];
        victim.Faults.Isolate(); // the network's old Crash: cut off from every node, both ways

        await Eventually.True(() => cluster.Where(n => n != victim).All(n => !n.Nodes().Contains(victim.Name)), "every node sees the crashed node down");
        Assert.All(cluster.Where(n => n != victim), n => Assert.Contains(victim.Name, n.Members()));
    }

    [Fact]
    public async Task An_isolated_node_is_down_for_everyone_until_the_isolation_is_resolved()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] cluster = await nodes.StartClusterAsync(3, o => o.Faults.Enabled = true);
        PartitionHandle isolation = cluster[2].Faults.Isolate();
        await Eventually.True(() => cluster[2].Nodes().Count == 0 && !cluster[0].IsConnected(cluster[2].Name) && !cluster[1].IsConnected(cluster[2].Name), "cut off both ways");
        Assert.True(Assert.Single(cluster[2].Faults.Partitions()).Everyone);

        Assert.True(cluster[2].Faults.ResolvePartition(isolation));
        await Eventually.True(() => TestNodes.AllSee(cluster), "back once resolved");
    }

    [Fact]
    public async Task A_partition_is_detected_and_healing_reconnects()
    {
        var network = new InMemoryNetwork();
        await using var nodes = new TestNodes(network);
        PartisanNode[] cluster = await nodes.StartClusterAsync(3, o => o.Faults.Enabled = true);

        // The network's old Partition(a, b) and Heal(a, b): the nodes' fault injectors, on every transport.
        var cut = (A: cluster[0].Faults.InjectPartition(cluster[1].Name), B: cluster[1].Faults.InjectPartition(cluster[0].Name));
        await Eventually.True(() => !cluster[0].IsConnected(cluster[1].Name) && !cluster[1].IsConnected(cluster[0].Name), "the partitioned pair disconnects");
        Assert.True(cluster[0].IsConnected(cluster[2].Name));

        Assert.True(cluster[0].Faults.ResolvePartition(cut.A) && cluster[1].Faults.ResolvePartition(cut.B));
        await Eventually.True(() => TestNodes.AllSee(cluster), "the pair reconnects after healing");
    }
}
