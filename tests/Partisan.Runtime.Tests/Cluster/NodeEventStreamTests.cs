using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

public class NodeEventStreamTests
{
    [Fact]
    public async Task Code_outside_a_process_reads_node_up_then_node_down_as_a_stream()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        PartisanNode b = await nodes.StartAsync("b");
        using var stop = new CancellationTokenSource();
        await using IAsyncEnumerator<object> events = a.NodeEventsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        ValueTask<bool> first = events.MoveNextAsync(); // subscribes

        await b.JoinAsync(a.ListenAddresses[0]);
        Assert.True(await Eventually.Within(first.AsTask(), "the first event"));
        Assert.Equal(new NodeUp(b.Name), events.Current);
        await nodes.StopAsync(b);
        Assert.True(await Eventually.Within(events.MoveNextAsync().AsTask(), "the second event"));

        NodeDown down = Assert.IsType<NodeDown>(events.Current);
        Assert.Equal(b.Name, down.Node);
        await stop.CancelAsync();
        Assert.False(await Eventually.Within(events.MoveNextAsync().AsTask(), "the stream ends"));
    }
}
