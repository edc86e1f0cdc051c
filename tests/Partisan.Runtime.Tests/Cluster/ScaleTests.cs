using Partisan.Transport;
using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

/// <summary>
/// Issue 11: full mesh at a scale where gossiping the whole state to everyone on every change never converged
/// (100 nodes over the in-memory transport). The time bound is generous: this checks that it converges, the bench
/// (`bench/Partisan.Bench -- converge`) measures how fast.
/// </summary>
[Collection(Partisan.Tests.Cluster.LoadSensitiveCollection.Name)]
public class ScaleTests
{
    [Fact]
    public async Task A_hundred_full_mesh_nodes_joining_one_seed_at_once_converge_over_the_in_memory_transport()
    {
        const int count = 100;
        await using var nodes = new TestNodes(new InMemoryNetwork());
        var cluster = new PartisanNode[count];
        for (int i = 0; i < count; i++)
        {
            cluster[i] = await nodes.StartAsync("scale", o =>
            {
                o.GossipInterval = TimeSpan.FromSeconds(1); // the production default, not the tests' 200 ms
                o.KeepAlive.Enabled = false;
            });
        }

        int downs = 0;
        var subscriptions = new List<IDisposable>();
        foreach (PartisanNode node in cluster)
        {
            subscriptions.Add(node.OnDown((_, _) => Interlocked.Increment(ref downs)));
        }

        var joins = new Task[count - 1];
        for (int i = 1; i < count; i++)
        {
            joins[i - 1] = cluster[i].JoinAsync(cluster[0].ListenAddresses[0]);
        }

        await Task.WhenAll(joins);
        await Eventually.True(() => TestNodes.AllSee(cluster), $"all {count} nodes know and are connected to each other", TimeSpan.FromSeconds(120));

        // Nothing was lost while the cluster formed, so no node was ever reported down (handshakes that timed out
        // behind a storm of others used to close connections and report hundreds of false downs).
        Assert.Equal(0, Volatile.Read(ref downs));
        subscriptions.ForEach(s => s.Dispose());

        // Converged means quiet: one more node joins and everyone learns of it.
        PartisanNode late = await nodes.StartAsync("scale", o => o.GossipInterval = TimeSpan.FromSeconds(1));
        await late.JoinAsync(cluster[count / 2].ListenAddresses[0]);
        await Eventually.True(() => Array.TrueForAll(cluster, n => n.Members().Contains(late.Name)) && late.Members().Count == count + 1, "every node learns of the late joiner", TimeSpan.FromSeconds(60));
    }
}
