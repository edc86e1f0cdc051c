using Partisan.Diagnostics.Inspection;
using Partisan.Overlays.HyParView;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Diagnostics;

/// <summary>The inspection API: connections, processes, overlay views and node events, read from any thread.</summary>
public class InspectionTests
{
    [Fact]
    public async Task Connections_lists_every_slot_to_every_peer_with_its_state_and_traffic()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        (PartisanNode a, PartisanNode b) = (cluster[0], cluster[1]);
        var probe = Probe.Start(b);
        for (int i = 0; i < 10; i++)
        {
            a.Send(probe.Pid, i);
        }

        for (int i = 0; i < 10; i++)
        {
            await probe.NextAsync<int>();
        }

        IReadOnlyList<ConnectionInfo> slots = a.Connections();
        Assert.Equal(a.ConnectionManager.Channels.Sum(c => c.Parallelism), slots.Count(s => s.Peer == b.Name));
        Assert.All(slots, s => Assert.Equal(ConnectionState.Connected, s.State));
        Assert.All(slots, s => Assert.NotNull(s.Since));
        Assert.All(slots, s => Assert.Equal(ProtocolVersions.Newest, s.ProtocolVersion));
        ConnectionInfo user = Assert.Single(slots, s => s.Channel == ChannelOptions.DefaultName);
        Assert.True(user.MessagesSent >= 10, $"{user.MessagesSent} frames sent on the default channel");
        Assert.True(user.BytesSent > 0);
        await Eventually.True(() => b.Connections().Single(s => s.Channel == ChannelOptions.DefaultName).MessagesReceived >= 10, "the receiver counts what it read");
    }

    [Fact]
    public async Task Processes_lists_pids_names_and_mailbox_depths()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode node = await nodes.StartAsync();
        var never = new TaskCompletionSource();
        Pid stuck = node.Spawn(_ => never.Task, "stuck");
        for (int i = 0; i < 3; i++)
        {
            node.Send(stuck, i);
        }

        ProcessInfo info = Assert.Single(node.Processes(), p => p.Pid == stuck);
        Assert.Equal("stuck", info.RegisteredName);
        Assert.Equal(3, info.MailboxDepth);
        Assert.Null(info.Behaviour);
        never.SetResult();
        await Eventually.True(() => node.Processes().All(p => p.Pid != stuck), "an exited process is no longer listed");
    }

    [Fact]
    public async Task OverlayView_shows_members_and_neighbours_and_no_passive_view_in_full_mesh()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);

        OverlayViewInfo view = cluster[0].OverlayView();
        Assert.Equal("FullMeshOverlay", view.Overlay);
        Assert.Equal(cluster.Select(n => n.Name).OrderBy(n => n.Value, StringComparer.Ordinal), view.Members);
        Assert.Equal(cluster.Skip(1).Select(n => n.Name).OrderBy(n => n.Value, StringComparer.Ordinal), view.Neighbours);
        Assert.Null(view.PassiveView);
        Assert.Empty(view.Relays);
    }

    [Fact]
    public async Task OverlayView_shows_HyParViews_passive_view()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        var options = new HyParViewOptions { ActiveViewSize = 1, MinActiveViewSize = 1 };
        var started = new List<PartisanNode>();
        for (int i = 0; i < 4; i++)
        {
            PartisanNode node = await nodes.StartAsync("hpv", o => o.Overlay = () => new HyParViewOverlay(options));
            if (started.Count > 0)
            {
                await node.JoinAsync(started[0].ListenAddresses[0]);
            }

            started.Add(node);
        }

        await Eventually.True(() => started.Any(n => n.OverlayView().PassiveView is { Count: > 0 }), "some node has a passive view");
        foreach (PartisanNode node in started)
        {
            OverlayViewInfo view = node.OverlayView();
            Assert.Equal("HyParViewOverlay", view.Overlay);
            Assert.NotNull(view.PassiveView);
            Assert.True(view.Neighbours.Count <= 1, $"{node}: active view of one, not {view.Neighbours.Count}");
            Assert.DoesNotContain(node.Name, view.PassiveView!);
        }
    }

    [Fact]
    public async Task RecentNodeEvents_records_a_node_coming_up_and_going_down()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        (PartisanNode a, PartisanNode b) = (cluster[0], cluster[1]);
        Assert.Contains(a.RecentNodeEvents(), e => e.Node == b.Name && e.Up);

        await nodes.StopAsync(b);
        await Eventually.True(() => a.RecentNodeEvents().Any(e => e.Node == b.Name && !e.Up), "the down event is recorded");
        NodeEventInfo down = a.RecentNodeEvents().Last(e => e.Node == b.Name);
        Assert.False(down.Up);
        Assert.NotNull(down.Reason);
    }

    [Fact]
    public void The_event_ring_keeps_the_most_recent_events_oldest_first()
    {
        var ring = new NodeEventRing();
        NodeName node = NodeName.Parse("x@127.0.0.1");
        for (int i = 0; i < NodeEventRing.Capacity + 10; i++)
        {
            ring.Add(new NodeEventInfo(DateTimeOffset.FromUnixTimeSeconds(i), node, i % 2 == 0, null));
        }

        NodeEventInfo[] events = ring.Snapshot();
        Assert.Equal(NodeEventRing.Capacity, events.Length);
        Assert.Equal(10, events[0].At.ToUnixTimeSeconds());
        Assert.Equal(NodeEventRing.Capacity + 9, events[^1].At.ToUnixTimeSeconds());
    }
}
