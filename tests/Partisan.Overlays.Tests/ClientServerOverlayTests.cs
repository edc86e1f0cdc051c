using Partisan.Overlays.ClientServer;
using Partisan.Tests.Support;

namespace Partisan.Overlays.Tests;

/// <summary>The client-server overlay over real TCP: servers in a full mesh, clients linked to servers only, client to client by relay.</summary>
public class ClientServerOverlayTests
{
    private sealed record Cluster(PartisanNode[] Servers, PartisanNode[] Clients)
    {
        public IEnumerable<PartisanNode> All => Servers.Concat(Clients);

        public bool IsServer(NodeName node) => Servers.Any(s => s.Name == node);
    }

    private static void Configure(PartisanOptions options, bool server, int serversPerClient)
    {
        options.OverlayKind = OverlayKind.ClientServer;
        options.ClientServer.ServersPerClient = serversPerClient;
        if (server)
        {
            options.Tags.Add(ClientServerOptions.DefaultServerTag);
        }
    }

    private static Task<PartisanNode> StartClientAsync(TestNodes nodes, int serversPerClient = 0) =>
        nodes.StartAsync("client", o => Configure(o, server: false, serversPerClient));

    private static async Task<Cluster> StartAsync(TestNodes nodes, int serverCount, int clientCount, int serversPerClient = 0)
    {
        var servers = new PartisanNode[serverCount];
        for (int i = 0; i < serverCount; i++)
        {
            servers[i] = await nodes.StartAsync("server", o => Configure(o, server: true, serversPerClient));
        }

        for (int i = 1; i < serverCount; i++)
        {
            await servers[i].JoinAsync(servers[0].ListenAddresses[0]);
        }

        var clients = new PartisanNode[clientCount];
        for (int i = 0; i < clientCount; i++)
        {
            clients[i] = await StartClientAsync(nodes, serversPerClient);
            await clients[i].JoinAsync(servers[i % serverCount].ListenAddresses[0]);
        }

        var cluster = new Cluster(servers, clients);
        int total = serverCount + clientCount;
        await Eventually.True(() => cluster.All.All(n => n.Members().Count == total), $"all {total} nodes know every member");
        await Eventually.True(() => cluster.All.All(n => LinkedExactlyToNeighbours(cluster, n)), "every node is linked to its neighbours and to no one else");
        return cluster;
    }

    // Servers: every other node (ServersPerClient 0) or the clients that chose them; clients: their chosen servers only.
    private static bool LinkedExactlyToNeighbours(Cluster cluster, PartisanNode node)
    {
        var overlay = (ClientServerOverlay)node.Overlay;
        foreach (PartisanNode other in cluster.All)
        {
            if (other == node)
            {
                continue;
            }

            bool neighbour = cluster.IsServer(node.Name)
                ? cluster.IsServer(other.Name) || overlay.ServersOf(other.Name).Contains(node.Name)
                : overlay.ServersOf(node.Name).Contains(other.Name);
            if (neighbour ? !node.IsFullyConnected(other.Name) : node.IsConnected(other.Name))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task SendInOrderAsync(PartisanNode from, PartisanNode to, string inbox, int count)
    {
        // Membership and links converge before reachability does: the servers' reports of whom they reach follow them.
        Assert.True(await from.ReachAsync(to.Name, TimeSpan.FromSeconds(20)), $"{from.Name} reaches {to.Name}");
        var probe = Probe.Start(to, inbox);
        for (int i = 0; i < count; i++)
        {
            Assert.True(from.Send(ProcessRef.ForName(inbox, to.Name), i), $"message {i} was routed");
        }

        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, await probe.NextAsync());
        }
    }

    [Fact]
    public async Task Two_servers_and_sixteen_clients_converge_and_a_client_reaches_another_through_a_server()
    {
        await using var nodes = new TestNodes();
        Cluster cluster = await StartAsync(nodes, serverCount: 2, clientCount: 16);

        Assert.All(cluster.Clients, c => Assert.Equal(cluster.Servers.Select(s => s.Name).Order(), c.Nodes().Order()));
        Assert.All(cluster.Servers, s => Assert.Equal(17, s.Nodes().Count));

        PartisanNode from = cluster.Clients[0];
        PartisanNode to = cluster.Clients[9];
        await SendInOrderAsync(from, to, "inbox", 100);
        Assert.False(from.IsConnected(to.Name));
        Assert.False(to.IsConnected(from.Name));
    }

    [Fact]
    public async Task Sixty_four_clients_on_tcp_all_send_to_one_another_at_once_through_the_servers_and_nothing_is_lost()
    {
        await using var nodes = new TestNodes();
        Cluster cluster = await StartAsync(nodes, serverCount: 2, clientCount: 64);
        Assert.All(cluster.Clients, c => Assert.Equal(2, c.Nodes().Count));

        // Every client sends 100 messages to the next client (ring order), all at once: the servers relay 6,400 messages
        // through bounded queues, SendAsync waiting for room where one is full.
        PartisanNode[] clients = cluster.Clients;
        const int PerClient = 100;
        Probe[] probes = clients.Select(c => Probe.Start(c, "inbox")).ToArray();
        await Task.WhenAll(clients.Select(async (from, i) =>
        {
            PartisanNode to = clients[(i + 1) % clients.Length];
            for (int k = 0; k < PerClient; k++)
            {
                Assert.True(await from.SendAsync(ProcessRef.ForName("inbox", to.Name), k), $"{from.Name} message {k} was routed");
            }
        }));

        foreach (Probe probe in probes)
        {
            for (int k = 0; k < PerClient; k++)
            {
                Assert.Equal(k, await probe.NextAsync());
            }
        }

        Assert.All(clients, c => Assert.Equal(2, c.Nodes().Count));
    }

    [Fact]
    public async Task A_client_that_dials_a_client_is_refused_with_the_reason_and_taken_in_by_the_servers()
    {
        await using var nodes = new TestNodes();
        Cluster cluster = await StartAsync(nodes, serverCount: 2, clientCount: 2);
        PartisanNode joiner = await StartClientAsync(nodes);

        PartisanException refused = await Assert.ThrowsAnyAsync<PartisanException>(() => joiner.JoinAsync(cluster.Clients[0].ListenAddresses[0]));

        Assert.Contains("are both clients", refused.Message, StringComparison.Ordinal);
        Assert.Contains("clients connect only to servers", refused.Message, StringComparison.Ordinal);
        Assert.Contains("join a server instead", refused.Message, StringComparison.Ordinal);
        Assert.Contains("handed", refused.Message, StringComparison.Ordinal);
        Assert.False(cluster.Clients[0].IsConnected(joiner.Name));

        // The refusing client handed the joiner to its servers, which connect to it: it joins anyway.
        await Eventually.True(() => joiner.Members().Count == 5 && cluster.All.All(n => n.Members().Contains(joiner.Name)), "the joiner is a member everywhere");
        await Eventually.True(() => cluster.Servers.All(s => joiner.IsFullyConnected(s.Name)), "the joiner is linked to both servers");
        Assert.DoesNotContain(joiner.Nodes(), n => !cluster.IsServer(n));
    }

    [Fact]
    public async Task A_stopped_server_is_down_for_its_clients_and_they_still_reach_each_other_through_the_other()
    {
        await using var nodes = new TestNodes();
        Cluster cluster = await StartAsync(nodes, serverCount: 2, clientCount: 16);
        PartisanNode stopped = cluster.Servers[0];
        PartisanNode survivor = cluster.Servers[1];
        var watchers = cluster.Clients.Select(c => (Client: c, Probe: Probe.Start(c))).ToArray();
        foreach ((PartisanNode client, Probe probe) in watchers)
        {
            client.MonitorNode(probe.Pid, stopped.Name);
        }

        var downs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int downCount = 0;
        foreach (PartisanNode client in cluster.Clients)
        {
            client.OnDown((_, _) => { if (Interlocked.Increment(ref downCount) == cluster.Clients.Length) { downs.TrySetResult(); } }, stopped.Name);
        }

        await nodes.StopAsync(stopped);

        foreach ((PartisanNode _, Probe probe) in watchers)
        {
            NodeDown down = await probe.NextAsync<NodeDown>();
            Assert.Equal(stopped.Name, down.Node);
        }

        await Eventually.Within(downs.Task, "every client's on-down callback for the stopped server");
        Assert.All(cluster.Clients, c => Assert.Equal([survivor.Name], c.Nodes()));

        // A call is answered once the route through the surviving server is in place; then a stream arrives in order.
        PartisanNode from = cluster.Clients[1];
        PartisanNode to = cluster.Clients[14];
        to.Spawn(
            async ctx =>
            {
                while (true)
                {
                    if (await ctx.ReceiveAsync() is CallRequest request)
                    {
                        ctx.Node.HandleFor(request).Reply(request.Request);
                    }
                }
            },
            "echo");
        object? reply = await from.CallAsync(ProcessRef.ForName("echo", to.Name), "ping", TimeSpan.FromSeconds(20));
        Assert.Equal("ping", reply);
        await SendInOrderAsync(from, to, "after", 100);
        Assert.False(from.IsConnected(to.Name));
    }

    [Fact]
    public async Task A_stopped_client_is_down_for_the_other_clients_too_and_up_again_when_it_returns()
    {
        await using var nodes = new TestNodes();
        Cluster cluster = await StartAsync(nodes, serverCount: 2, clientCount: 4);
        PartisanNode stopped = cluster.Clients[3];
        PartisanNode watcher = cluster.Clients[0];
        Pid target = stopped.Spawn(async ctx => await Task.Delay(Timeout.Infinite, ctx.Stopping));
        var probe = Probe.Start(watcher);
        watcher.MonitorNode(probe.Pid, stopped.Name);
        Ref monitor = watcher.Monitor(probe.Pid, target);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable onUp = watcher.OnUp(_ => up.TrySetResult(), stopped.Name);
        Assert.False(watcher.IsConnected(stopped.Name)); // reached through a server only

        await nodes.StopAsync(stopped);

        // Both messages, in either order: the node monitor's NodeDown and the process monitor's Down (noconnection).
        object[] notices = [await probe.NextAsync(), await probe.NextAsync()];
        Assert.Contains(notices, n => n is NodeDown d && d.Node == stopped.Name);
        Assert.Contains(notices, n => n is Down d && d.MonitorRef == monitor && d.Reason == ExitReason.NoConnection);
        Assert.False(up.Task.IsCompleted);

        // The same node back (a new incarnation on a new port): the servers take it in and it is up for the watcher again.
        PartisanNode back = await nodes.StartAsync("client", o =>
        {
            Configure(o, server: false, serversPerClient: 0);
            o.NodeName = stopped.Name.Value;
        });
        await back.JoinAsync(cluster.Servers[0].ListenAddresses[0]);
        await Eventually.Within(up.Task, "on-up at another client for the client that came back");
    }

    [Fact]
    public async Task With_one_server_per_client_each_client_links_to_its_rendezvous_choice_and_reaches_clients_of_other_servers()
    {
        await using var nodes = new TestNodes();
        Cluster cluster = await StartAsync(nodes, serverCount: 3, clientCount: 8, serversPerClient: 1);

        // Every node computes the same choice for every client.
        foreach (PartisanNode client in cluster.Clients)
        {
            NodeName chosen = Assert.Single(((ClientServerOverlay)client.Overlay).ServersOf(client.Name));
            Assert.All(cluster.All, n => Assert.Equal([chosen], ((ClientServerOverlay)n.Overlay).ServersOf(client.Name)));
            Assert.Equal([chosen], client.Nodes());
        }

        // Two clients on different servers: client → its server → the other's server → the other client.
        (PartisanNode from, PartisanNode to) = (from a in cluster.Clients
                                                from b in cluster.Clients
                                                where ((ClientServerOverlay)a.Overlay).ServersOf(a.Name)[0] != ((ClientServerOverlay)a.Overlay).ServersOf(b.Name)[0]
                                                select (a, b)).FirstOrDefault();
        Assert.True(from is not null, "eight clients all chose the same of three servers (odds 1 in 2187)");
        await SendInOrderAsync(from, to, "inbox", 50);
    }
}
