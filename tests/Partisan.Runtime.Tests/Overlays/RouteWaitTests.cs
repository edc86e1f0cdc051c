using Partisan.Tests.Support;

namespace Partisan.Tests.Overlays;

/// <summary>
/// A message for a member that has no route yet (known, but neither linked nor reached by relay, as while an overlay
/// forms) waits for one, in order, and later messages wait behind it; it is dropped only after
/// <see cref="PartisanOptions.RouteWaitTimeout"/>. Three nodes over TCP with a <see cref="ScriptedOverlay"/>: a–b and
/// b–c are linked, a and c are not.
/// </summary>
public class RouteWaitTests
{
    private sealed record Cluster(TestNodes Nodes, OverlayScript Script, PartisanNode A, PartisanNode B, PartisanNode C) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Nodes.DisposeAsync();
    }

    private static async Task<Cluster> StartAsync(Action<PartisanOptions>? configureA = null)
    {
        var nodes = new TestNodes();
        var script = new OverlayScript();
        try
        {
            PartisanNode a = await nodes.StartAsync("wa", o =>
            {
                o.Overlay = () => new ScriptedOverlay(script);
                configureA?.Invoke(o);
            });
            PartisanNode b = await nodes.StartAsync("wb", o => o.Overlay = () => new ScriptedOverlay(script));
            PartisanNode c = await nodes.StartAsync("wc", o => o.Overlay = () => new ScriptedOverlay(script));
            script.Link(a.Name, b.Name);
            script.Link(b.Name, c.Name);
            script.Members = [a.Spec, b.Spec, c.Spec];
            await Eventually.True(
                () => new[] { a, b, c }.All(n => n.Members().Count == 3) && a.IsConnected(b.Name) && b.IsConnected(c.Name) && !a.IsConnected(c.Name),
                "every node knows the three members; a–b and b–c are connected, a–c is not");
            return new Cluster(nodes, script, a, b, c);
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    private static ProcessRef Inbox(PartisanNode node) => ProcessRef.ForName("inbox", node.Name);

    [Fact]
    public async Task Messages_for_a_member_without_a_route_wait_and_arrive_in_order_once_the_overlay_gives_one()
    {
        await using Cluster cluster = await StartAsync();
        (PartisanNode a, PartisanNode b, PartisanNode c) = (cluster.A, cluster.B, cluster.C);
        var probe = Probe.Start(c, "inbox");

        for (int i = 0; i < 50; i++)
        {
            Assert.True(a.Send(Inbox(c), i), $"message {i} is accepted to wait for a route");
        }

        Assert.Equal(50, a.Router.HeldFrames);
        Assert.False(probe.TryNext(out _));

        cluster.Script.Route(a.Name, c.Name, b.Name);
        for (int i = 50; i < 100; i++)
        {
            Assert.True(a.Send(Inbox(c), i));
        }

        var got = new List<object>();
        for (int i = 0; i < 100; i++)
        {
            got.Add(await probe.NextAsync());
        }

        Assert.Equal(Enumerable.Range(0, 100).Cast<object>(), got);
        Assert.Equal(0, a.Router.HeldFrames);
    }

    [Fact]
    public async Task A_relaying_node_without_a_next_hop_holds_what_it_relays_until_it_has_one()
    {
        await using Cluster cluster = await StartAsync();
        (PartisanNode a, PartisanNode b, PartisanNode c) = (cluster.A, cluster.B, cluster.C);
        var probe = Probe.Start(a, "inbox");

        // c relays through b toward a, but b has dropped its link to a and knows no other way: b must hold what it relays.
        cluster.Script.Links[b.Name].TryRemove(a.Name, out _);
        cluster.Script.Links[a.Name].TryRemove(b.Name, out _);
        await Eventually.True(() => !b.IsConnected(a.Name) && !a.IsConnected(b.Name), "a and b are no longer connected");
        cluster.Script.Route(c.Name, a.Name, b.Name);
        await Eventually.True(() => c.NextHop(a.Name) == b.Name, "c routes to a through b");

        for (int i = 0; i < 50; i++)
        {
            Assert.True(c.Send(Inbox(a), i), $"message {i} is routed to b");
        }

        await Eventually.True(() => b.Router.HeldFrames == 50, "b holds the 50 relayed messages");
        Assert.False(probe.TryNext(out _));

        cluster.Script.Link(a.Name, b.Name);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(i, await probe.NextAsync());
        }

        Assert.Equal(0, b.Router.HeldFrames);
    }

    [Fact]
    public async Task Messages_that_find_no_route_within_the_route_wait_are_dropped_and_later_ones_still_arrive()
    {
        await using Cluster cluster = await StartAsync(o => o.RouteWaitTimeout = TimeSpan.FromMilliseconds(200));
        (PartisanNode a, PartisanNode b, PartisanNode c) = (cluster.A, cluster.B, cluster.C);
        var probe = Probe.Start(c, "inbox");

        for (int i = 0; i < 10; i++)
        {
            Assert.True(a.Send(Inbox(c), i));
        }

        await Eventually.True(() => a.Router.HeldFrames == 0, "the ten messages are dropped after the route wait");

        cluster.Script.Route(a.Name, c.Name, b.Name);
        await Eventually.True(() => a.NextHop(c.Name) == b.Name, "a routes to c through b");
        for (int i = 10; i < 20; i++)
        {
            Assert.True(a.Send(Inbox(c), i));
        }

        for (int i = 10; i < 20; i++)
        {
            Assert.Equal(i, await probe.NextAsync()); // nothing of 0–9 arrives
        }
    }

    [Fact]
    public async Task With_no_route_wait_a_message_without_a_route_is_refused_at_once()
    {
        await using Cluster cluster = await StartAsync(o => o.RouteWaitTimeout = TimeSpan.Zero);

        Assert.False(cluster.A.Send(Inbox(cluster.C), "lost"));
        Assert.Equal(0, cluster.A.Router.HeldFrames);
    }

    [Fact]
    public async Task ReachAsync_asks_the_overlay_again_while_it_waits_and_is_true_once_a_route_appears()
    {
        await using Cluster cluster = await StartAsync();
        (PartisanNode a, PartisanNode b, PartisanNode c) = (cluster.A, cluster.B, cluster.C);

        Assert.False(await a.ReachAsync(c.Name, TimeSpan.FromSeconds(2.5)));
        Assert.True(cluster.Script.RouteRequests.GetValueOrDefault((a.Name, c.Name)) >= 2, "a search that found nothing is asked for again");

        Task<bool> reached = a.ReachAsync(c.Name, TimeSpan.FromSeconds(30));
        cluster.Script.Route(a.Name, c.Name, b.Name);
        Assert.True(await reached);
    }

    [Fact]
    public void A_negative_route_wait_is_a_configuration_error()
    {
        var options = new PartisanOptions { NodeName = "a@127.0.0.1", RouteWaitTimeout = TimeSpan.FromSeconds(-1) };

        Assert.Contains(options.Validate(), e => e.Contains("RouteWaitTimeout", StringComparison.Ordinal));
    }
}
