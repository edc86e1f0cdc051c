using Microsoft.Extensions.Logging;
using Partisan.Transport;

namespace Partisan.Tests.Support;

/// <summary>Starts nodes for tests on 127.0.0.1 (ephemeral ports) or an in-memory network, and stops them all.</summary>
public sealed class TestNodes : IAsyncDisposable
{
    private static int _counter;
    private readonly List<PartisanNode> _nodes = new();

    public TestNodes(InMemoryNetwork? network = null) => Network = network;

    public InMemoryNetwork? Network { get; }

    public IReadOnlyList<PartisanNode> All => _nodes;

    public static string UniqueName(string prefix) => $"{prefix}{Interlocked.Increment(ref _counter)}@127.0.0.1";

    public static PartisanOptions Options(string prefix, Action<PartisanOptions>? configure = null)
    {
        var options = new PartisanOptions
        {
            NodeName = UniqueName(prefix),
            ClusterSecret = "test-cluster-secret",
            GossipInterval = TimeSpan.FromMilliseconds(200),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        options.ListenAddresses.Add("127.0.0.1:0");
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Starts a node; <paramref name="beforeStart"/> sees it created but not started (to add what must be there from the start).</summary>
    public async Task<PartisanNode> StartAsync(string prefix = "n", Action<PartisanOptions>? configure = null, Action<PartisanNode>? beforeStart = null)
    {
        PartisanOptions options = Options(prefix, configure);
        if (Network is not null && options.Transport is null)
        {
            options.Transport = new InMemoryTransport(Network);
        }

        var node = new PartisanNode(options, TestLogging.Factory);
        try
        {
            beforeStart?.Invoke(node);
            await node.StartAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        _nodes.Add(node);
        return node;
    }

    public async Task<PartisanNode[]> StartClusterAsync(int count, Action<PartisanOptions>? configure = null)
    {
        var nodes = new PartisanNode[count];
        for (int i = 0; i < count; i++)
        {
            nodes[i] = await StartAsync("n", configure);
        }

        for (int i = 1; i < count; i++)
        {
            await nodes[i].JoinAsync(nodes[0].ListenAddresses[0]);
        }

        await Eventually.True(() => AllSee(nodes), $"all {count} nodes see each other as members and are connected");
        return nodes;
    }

    public static bool AllSee(IReadOnlyList<PartisanNode> nodes)
    {
        foreach (PartisanNode node in nodes)
        {
            if (node.Members().Count != nodes.Count)
            {
                return false;
            }

            foreach (PartisanNode other in nodes)
            {
                if (other != node && (!node.Members().Contains(other.Name) || !node.IsFullyConnected(other.Name)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public async Task StopAsync(PartisanNode node)
    {
        _nodes.Remove(node);
        await node.DisposeAsync();
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

/// <summary>Logging for tests: warnings and above to the console, so failures show their context.</summary>
public static class TestLogging
{
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(Environment.GetEnvironmentVariable("PARTISAN_TEST_LOG") == "debug" ? LogLevel.Debug : LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("PARTISAN_TEST_LOG") is not null)
        {
            builder.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        }
    });
}
