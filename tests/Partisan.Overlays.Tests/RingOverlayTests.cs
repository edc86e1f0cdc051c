using Partisan.Tests.Support;

namespace Partisan.Overlays.Tests;

/// <summary>A user-written overlay (<see cref="RingOverlay"/>) over real TCP: members everywhere, links to neighbours only, the rest by relay.</summary>
public class RingOverlayTests
{
    private const int Size = 6;

    private static async Task<PartisanNode[]> StartRingAsync(TestNodes nodes)
    {
        var ring = new PartisanNode[Size];
        for (int i = 0; i < Size; i++)
        {
            ring[i] = await nodes.StartAsync("ring", o => o.Overlay = () => new RingOverlay());
        }

        for (int i = 1; i < Size; i++)
        {
            await ring[i].JoinAsync(ring[0].ListenAddresses[0]);
        }

        await Eventually.True(() => ring.All(n => n.Members().Count == Size), "every node knows every member");
        await Eventually.True(
            () => ring.All(n => ring.All(m => m == n || n.IsConnected(m.Name) == IsNeighbour(n, m.Name))),
            "every node is connected to its two ring neighbours and no one else");
        return ring;
    }

    private static bool IsNeighbour(PartisanNode node, NodeName other) => node.Overlay.Neighbours.Any(s => s.Name == other);

    /// <summary>Two nodes that are members of each other but have no connection.</summary>
    private static (PartisanNode From, PartisanNode To) FarApart(PartisanNode[] ring)
    {
        foreach (PartisanNode a in ring)
        {
            foreach (PartisanNode b in ring)
            {
                if (a != b && !IsNeighbour(a, b.Name) && !IsNeighbour(b, a.Name))
                {
                    return (a, b);
                }
            }
        }

        throw new InvalidOperationException("A ring of six has nodes two hops apart.");
    }

    [Fact]
    public async Task A_ring_keeps_two_links_per_node_and_reports_every_node_as_a_member()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] ring = await StartRingAsync(nodes);

        Assert.All(ring, n => Assert.Equal(2, n.Nodes().Count));
        Assert.All(ring, n => Assert.Equal(ring.Select(r => r.Name).Order(), n.Members()));
    }

    [Fact]
    public async Task A_message_to_a_member_without_a_link_is_relayed_and_arrives_in_order()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] ring = await StartRingAsync(nodes);
        (PartisanNode from, PartisanNode to) = FarApart(ring);
        var probe = Probe.Start(to, "inbox");

        // Sent at once: neighbours connected is not yet a route to a non-neighbour (the origin, and each node on the way,
        // may not have its next hop yet); what finds no route waits for one, in order (PartisanOptions.RouteWaitTimeout).
        for (int i = 0; i < 200; i++)
        {
            Assert.True(from.Send(ProcessRef.ForName("inbox", to.Name), i), $"message {i} was routed");
        }

        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(i, await probe.NextAsync());
        }

        Assert.DoesNotContain(to.Name, from.Nodes());
    }

    [Fact]
    public async Task A_call_and_its_reply_travel_by_relay()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] ring = await StartRingAsync(nodes);
        (PartisanNode from, PartisanNode to) = FarApart(ring);
        to.Spawn(
            async ctx =>
            {
                while (true)
                {
                    if (await ctx.ReceiveAsync() is CallRequest request)
                    {
                        ctx.Node.HandleFor(request).Reply($"echo {request.Request}");
                    }
                }
            },
            "echo");

        object? reply = await from.CallAsync(ProcessRef.ForName("echo", to.Name), "hello", TimeSpan.FromSeconds(20));

        Assert.Equal("echo hello", reply);
        Assert.DoesNotContain(to.Name, from.Nodes());
    }

    [Fact]
    public async Task A_monitor_and_an_exit_signal_reach_a_member_without_a_link_and_the_down_comes_back()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] ring = await StartRingAsync(nodes);
        (PartisanNode from, PartisanNode to) = FarApart(ring);
        Pid target = to.Spawn(async ctx => await Task.Delay(Timeout.Infinite, ctx.Stopping));
        var watcher = Probe.Start(from);

        Ref monitor = from.Monitor(watcher.Pid, target);
        from.Exit(target, ExitReason.Killed); // same channel and hops as the monitor request, so it arrives after it

        Down down = await watcher.NextAsync<Down>();
        Assert.Equal(monitor, down.MonitorRef);
        Assert.Equal(ExitReason.Killed, down.Reason);
        Assert.False(to.IsAlive(target));
        Assert.DoesNotContain(to.Name, from.Nodes());
    }
}
