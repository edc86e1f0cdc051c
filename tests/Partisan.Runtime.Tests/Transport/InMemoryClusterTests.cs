using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

public class InMemoryClusterTests
{
    [Fact]
    public async Task Ten_nodes_on_an_in_memory_network_converge_and_detect_a_crash()
    {
        var network = new InMemoryNetwork();
        await using var nodes = new TestNodes(network);
        PartisanNode[] cluster = await nodes.StartClusterAsync(10);
        var probe = Probe.Start(cluster[9], "inbox");
        Assert.True(cluster[0].Send(ProcessRef.ForName("inbox", cluster[9].Name), "through memory"));
        Assert.Equal("through memory", await probe.NextAsync());

        PartisanNode victim = cluster[5];
        network.Crash(victim.ListenAddresses[0].Port);

        await Eventually.True(() => cluster.Where(n => n != victim).All(n => !n.Nodes().Contains(victim.Name)), "every node sees the crashed node down");
        Assert.All(cluster.Where(n => n != victim), n => Assert.Contains(victim.Name, n.Members()));
    }

    [Fact]
    public async Task A_partition_is_detected_and_healing_reconnects()
    {
        var network = new InMemoryNetwork();
        await using var nodes = new TestNodes(network);
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);
        int a = cluster[0].ListenAddresses[0].Port;
        int b = cluster[1].ListenAddresses[0].Port;

        network.Partition(a, b);
        await Eventually.True(() => !cluster[0].IsConnected(cluster[1].Name) && !cluster[1].IsConnected(cluster[0].Name), "the partitioned pair disconnects");
        Assert.True(cluster[0].IsConnected(cluster[2].Name));

        network.Heal(a, b);
        await Eventually.True(() => TestNodes.AllSee(cluster), "the pair reconnects after healing");
    }
}
