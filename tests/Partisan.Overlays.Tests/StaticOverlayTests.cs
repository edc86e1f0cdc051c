using System.Net;
using System.Net.Sockets;
using Partisan.Overlays.Static;
using Partisan.Tests.Support;

namespace Partisan.Overlays.Tests;

/// <summary>The static overlay over real TCP: the configured nodes find each other with no join, and up/down follow the links.</summary>
public class StaticOverlayTests
{
    private sealed record Layout(string[] Names, int[] Ports)
    {
        public string Address(int i) => $"127.0.0.1:{Ports[i]}";
    }

    // Static nodes need their ports before they start. Ports handed out by the OS (port 0) come from the ephemeral range,
    // which outbound connections of other tests running at the same time also draw from, so a freed one can be taken before
    // the node binds it; these come from below that range (Linux: 32768 and up), checked free and held until all are picked.
    private static Layout NewLayout(int count)
    {
        var names = new string[count];
        var ports = new int[count];
        var listeners = new List<TcpListener>(count);
        var random = new Random();
        try
        {
            for (int i = 0; i < count; i++)
            {
                names[i] = TestNodes.UniqueName("static");
                for (int attempt = 0; ; attempt++)
                {
                    int port = random.Next(20_000, 32_000);
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    try
                    {
                        listener.Start();
                    }
                    catch (SocketException) when (attempt < 100)
                    {
                        continue;
                    }

                    listeners.Add(listener);
                    ports[i] = port;
                    break;
                }
            }
        }
        finally
        {
            foreach (TcpListener listener in listeners)
            {
                listener.Stop();
            }
        }

        return new Layout(names, ports);
    }

    // Every node gets the same list; `name` and `port` say which one this is (an unconfigured node passes its own).
    private static void Configure(PartisanOptions options, Layout layout, string name, int port)
    {
        options.NodeName = name;
        options.ListenAddresses.Clear();
        options.ListenAddresses.Add($"127.0.0.1:{port}");
        options.OverlayKind = OverlayKind.Static;
        for (int i = 0; i < layout.Names.Length; i++)
        {
            options.Static.Nodes.Add(new StaticNodeOptions { Name = layout.Names[i], ListenAddresses = { layout.Address(i) } });
        }
    }

    private static Task<PartisanNode> StartAsync(TestNodes nodes, Layout layout, int i) =>
        nodes.StartAsync("static", o => Configure(o, layout, layout.Names[i], layout.Ports[i]));

    [Fact]
    public async Task Four_configured_nodes_connect_without_a_join_and_see_one_stop_and_come_back()
    {
        await using var nodes = new TestNodes();
        Layout layout = NewLayout(4);
        var cluster = new PartisanNode[4];
        for (int i = 0; i < 4; i++)
        {
            cluster[i] = await StartAsync(nodes, layout, i);
        }

        await Eventually.True(() => TestNodes.AllSee(cluster), "the four configured nodes are members of each other and connected");
        Assert.All(cluster, n => Assert.Equal(layout.Names.Order(StringComparer.Ordinal), n.Members().Select(m => m.Value)));

        PartisanNode watcher = cluster[0];
        NodeName restarting = cluster[3].Name;
        var down = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable onDown = watcher.OnDown((_, reason) => down.TrySetResult(reason), restarting);
        var probe = Probe.Start(watcher);
        watcher.MonitorNode(probe.Pid, restarting);

        await nodes.StopAsync(cluster[3]);

        await Eventually.Within(down.Task, "on-down for the stopped node");
        Assert.Equal(restarting, (await probe.NextAsync<NodeDown>()).Node);
        Assert.Contains(restarting, watcher.Members()); // still configured: a member, down

        using IDisposable onUp = watcher.OnUp(_ => up.TrySetResult(), restarting);
        cluster[3] = await StartAsync(nodes, layout, 3);

        await Eventually.Within(up.Task, "on-up for the restarted node");
        await Eventually.True(() => TestNodes.AllSee(cluster), "the restarted node is connected to the other three again");
    }

    [Fact]
    public async Task A_node_that_is_not_configured_is_refused()
    {
        await using var nodes = new TestNodes();
        Layout layout = NewLayout(2);
        PartisanNode a = await StartAsync(nodes, layout, 0);
        PartisanNode b = await StartAsync(nodes, layout, 1);
        await Eventually.True(() => TestNodes.AllSee([a, b]), "the two configured nodes are connected");
        PartisanNode outsider = await nodes.StartAsync("static", o => Configure(o, layout, TestNodes.UniqueName("stranger"), port: 0));

        PartisanException refused = await Assert.ThrowsAnyAsync<PartisanException>(() => outsider.JoinAsync(a.ListenAddresses[0]));

        Assert.Contains($"{outsider.Name} is not in the static configuration of {a.Name}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, a.Members().Count);
        Assert.DoesNotContain(outsider.Name, a.Nodes());
    }
}
