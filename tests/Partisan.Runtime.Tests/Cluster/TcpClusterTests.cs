using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class TcpClusterTests
{
    [Fact]
    public async Task Three_nodes_join_converge_and_exchange_messages()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);

        var probe = Probe.Start(cluster[2], "inbox");
        Assert.True(cluster[0].Send(ProcessRef.ForName("inbox", cluster[2].Name), "hello from 0"));
        Assert.True(cluster[1].Send(probe.Pid, 42));
        var received = new HashSet<object> { await probe.NextAsync(), await probe.NextAsync() };
        Assert.Contains("hello from 0", received);
        Assert.Contains(42, received);

        foreach (PartisanNode node in cluster)
        {
            Assert.Equal(2, node.Nodes().Count);
        }
    }
}
