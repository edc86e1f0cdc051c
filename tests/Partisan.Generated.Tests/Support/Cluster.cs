using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Partisan.Generated.Tests.Support;

/// <summary>Nodes on 127.0.0.1 with ephemeral ports, stopped together.</summary>
public sealed class Cluster : IAsyncDisposable
{
    private static int _counter;
    private readonly List<PartisanNode> _nodes = new();

    public async Task<PartisanNode[]> StartAsync(int count)
    {
        var nodes = new PartisanNode[count];
        for (int i = 0; i < count; i++)
        {
            var options = new PartisanOptions
            {
                NodeName = $"gen{Interlocked.Increment(ref _counter)}@127.0.0.1",
                ClusterSecret = "generated-tests-secret",
                GossipInterval = TimeSpan.FromMilliseconds(200),
                ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            };
            options.ListenAddresses.Add("127.0.0.1:0");
            nodes[i] = await PartisanNode.StartAsync(options, NullLoggerFactory.Instance);
            _nodes.Add(nodes[i]);
        }

        for (int i = 1; i < count; i++)
        {
            await nodes[i].JoinAsync(nodes[0].ListenAddresses[0]);
        }

        await Eventually(() => nodes.All(n => nodes.All(o => n.Members().Contains(o.Name) && n.IsFullyConnected(o.Name))), "all nodes connected");
        return nodes;
    }

    public static async Task Eventually(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (PartisanNode node in _nodes)
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
    }
}

/// <summary>A process whose received messages a test can await.</summary>
public sealed class Probe
{
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    public Probe(PartisanNode node, string? name = null)
    {
        Pid = node.Spawn(async ctx =>
        {
            while (true)
            {
                _received.Writer.TryWrite(await ctx.ReceiveAsync());
            }
        }, name);
    }

    public Pid Pid { get; }

    public async Task<T> NextAsync<T>()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return Assert.IsType<T>(await _received.Reader.ReadAsync(cts.Token));
    }
}
