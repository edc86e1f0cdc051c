using Partisan.Overlays;
using Partisan.Overlays.HyParView;

namespace Partisan.Tests.Overlays;

/// <summary>
/// HyParView's decisions, one node at a time with a recording context: the join protocol, views bounded under a storm,
/// reserved slots, stale and forged messages refused, and the route search.
/// </summary>
public class HyParViewOverlayTests
{
    private static NodeSpec Spec(string name, long incarnation = 1, params string[] tags) =>
        new(NodeName.Parse(name + "@h"), [new ListenAddress("h", 1)], [], incarnation, tags);

    private static (HyParViewOverlay Overlay, RecordingOverlayContext Context) Start(HyParViewOptions? options = null, string name = "self")
    {
        var overlay = new HyParViewOverlay(options ?? new HyParViewOptions());
        var context = new RecordingOverlayContext(Spec(name));
        overlay.Start(context);
        return (overlay, context);
    }

    private static IEnumerable<HyParViewMessage> SentOf(RecordingOverlayContext context, HyParViewMessageKind kind) =>
        context.Sent.Select(s => s.Message).OfType<HyParViewMessage>().Where(m => m.Kind == kind);

    private static void Neighbour(HyParViewOverlay overlay, NodeSpec peer, long sequence = 1) =>
        overlay.HandleMessage(peer.Name, HyParViewMessage.Neighbour(peer, Spec("self"), sequence));

    [Fact]
    public void A_join_takes_the_joiner_in_answers_it_and_forwards_the_walk_to_the_other_neighbours()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec a = Spec("a"), b = Spec("b"), joiner = Spec("j");
        Neighbour(overlay, a);
        Neighbour(overlay, b);
        context.Sent.Clear();

        overlay.HandleMessage(joiner.Name, HyParViewMessage.Join(joiner));

        Assert.Contains(joiner, overlay.ActiveView);
        Assert.Contains(context.Sent, s => s.To == joiner.Name && s.Message is HyParViewMessage { Kind: HyParViewMessageKind.Neighbour });
        HyParViewMessage[] walks = SentOf(context, HyParViewMessageKind.ForwardJoin).ToArray();
        Assert.Equal(2, walks.Length);
        Assert.All(walks, w => Assert.Equal(new HyParViewOptions().ActiveRandomWalkLength, w.Ttl));
        Assert.Equal([a.Name, b.Name], context.Sent.Where(s => s.Message is HyParViewMessage { Kind: HyParViewMessageKind.ForwardJoin }).Select(s => s.To).Order());
    }

    [Fact]
    public void A_forward_join_at_the_end_of_its_walk_takes_the_joiner_into_the_active_view()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec a = Spec("a"), b = Spec("b"), joiner = Spec("j");
        Neighbour(overlay, a);
        Neighbour(overlay, b);

        overlay.HandleMessage(a.Name, HyParViewMessage.ForwardJoin(a, joiner, 0));

        Assert.Contains(joiner, overlay.ActiveView);
        Assert.Contains(context.Sent, s => s.To == joiner.Name && s.Message is HyParViewMessage { Kind: HyParViewMessageKind.Neighbour });
    }

    [Fact]
    public void A_forward_join_at_the_passive_walk_length_adds_the_joiner_to_the_passive_view_and_walks_on()
    {
        var options = new HyParViewOptions();
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start(options);
        NodeSpec a = Spec("a"), b = Spec("b"), joiner = Spec("j");
        Neighbour(overlay, a);
        Neighbour(overlay, b);
        context.Sent.Clear();

        overlay.HandleMessage(a.Name, HyParViewMessage.ForwardJoin(a, joiner, options.PassiveRandomWalkLength));

        Assert.Contains(joiner, overlay.PassiveView);
        Assert.DoesNotContain(joiner, overlay.ActiveView);
        (NodeName to, object message) = Assert.Single(context.Sent);
        Assert.Equal(b.Name, to);
        Assert.Equal(options.PassiveRandomWalkLength - 1, ((HyParViewMessage)message).Ttl);
    }

    [Fact]
    public void A_storm_of_joins_and_forward_joins_keeps_both_views_within_their_sizes()
    {
        var options = new HyParViewOptions();
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start(options);
        NodeSpec a = Spec("a");
        Neighbour(overlay, a);
        for (int i = 0; i < 2000; i++)
        {
            NodeSpec joiner = Spec("j" + i);
            overlay.HandleMessage(joiner.Name, HyParViewMessage.Join(joiner));
            NodeSpec walker = Spec("w" + i);
            NodeSpec active = overlay.ActiveView[i % overlay.ActiveView.Count];
            overlay.HandleMessage(active.Name, HyParViewMessage.ForwardJoin(active, walker, i % (options.ActiveRandomWalkLength + 1)));
        }

        Assert.Equal(options.ActiveViewSize, overlay.ActiveView.Count);
        Assert.True(overlay.PassiveView.Count <= options.PassiveViewSize);
        Assert.Empty(overlay.ActiveView.Intersect(overlay.PassiveView));
        Assert.True(overlay.Members.Count <= 1 + options.ActiveViewSize + options.PassiveViewSize + options.MaxRoutes);
        Assert.NotEmpty(SentOf(context, HyParViewMessageKind.Disconnect));
    }

    [Fact]
    public void Messages_that_need_a_neighbour_are_dropped_from_anyone_else()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec stranger = Spec("stranger"), joiner = Spec("j");

        overlay.HandleMessage(stranger.Name, HyParViewMessage.ForwardJoin(stranger, joiner, 0));
        overlay.HandleMessage(stranger.Name, HyParViewMessage.Shuffle(stranger, stranger, [joiner], 1, 1));
        overlay.HandleMessage(stranger.Name, HyParViewMessage.RouteRequest(stranger, stranger, Spec("z").Name, 1, 3, 1));

        Assert.Empty(overlay.ActiveView);
        Assert.Empty(overlay.PassiveView);
        Assert.Empty(context.Sent);
    }

    [Fact]
    public void A_message_whose_sender_is_not_the_peer_it_came_from_is_dropped()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec forged = Spec("forged");

        overlay.HandleMessage(Spec("real").Name, HyParViewMessage.Join(forged));

        Assert.Empty(overlay.ActiveView);
        Assert.Empty(context.Sent);
    }

    [Fact]
    public void A_forward_join_above_the_walk_length_is_refused()
    {
        var options = new HyParViewOptions();
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start(options);
        NodeSpec a = Spec("a"), b = Spec("b");
        Neighbour(overlay, a);
        Neighbour(overlay, b);
        context.Sent.Clear();

        overlay.HandleMessage(a.Name, HyParViewMessage.ForwardJoin(a, Spec("j"), options.ActiveRandomWalkLength + 10));

        Assert.Empty(context.Sent);
        Assert.DoesNotContain(overlay.PassiveView, p => p.Name == Spec("j").Name);
    }

    [Fact]
    public void A_stale_disconnect_does_not_undo_a_newer_neighbour_and_an_old_incarnation_is_ignored()
    {
        (HyParViewOverlay overlay, _) = Start();
        NodeSpec a = Spec("a", incarnation: 5);
        Neighbour(overlay, a, sequence: 10);

        overlay.HandleMessage(a.Name, HyParViewMessage.Disconnect(a, leaving: false, sequence: 3));
        Assert.Contains(a, overlay.ActiveView);

        NodeSpec older = Spec("a", incarnation: 4);
        overlay.HandleMessage(a.Name, HyParViewMessage.Disconnect(older, leaving: false, sequence: 99));
        Assert.Contains(a, overlay.ActiveView);

        overlay.HandleMessage(a.Name, HyParViewMessage.Disconnect(a, leaving: false, sequence: 11));
        Assert.DoesNotContain(a, overlay.ActiveView);
        Assert.Contains(a, overlay.PassiveView);
    }

    [Fact]
    public void A_neighbour_request_meant_for_an_earlier_incarnation_is_refused_and_the_sender_told_to_forget()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec a = Spec("a");
        NodeSpec oldSelf = Spec("self", incarnation: 0 + 7);

        overlay.HandleMessage(a.Name, HyParViewMessage.NeighbourRequest(a, oldSelf, highPriority: true, sequence: 1));

        Assert.Empty(overlay.ActiveView);
        HyParViewMessage reply = Assert.Single(SentOf(context, HyParViewMessageKind.Disconnect));
        Assert.True(reply.Flag, "the disconnect says this node is gone for that incarnation");
    }

    [Fact]
    public void A_lost_active_peer_is_replaced_by_asking_passive_peers_and_an_unanswered_request_expires()
    {
        var options = new HyParViewOptions { ActiveViewSize = 3, MinActiveViewSize = 2 };
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start(options);
        NodeSpec a = Spec("a"), p1 = Spec("p1"), p2 = Spec("p2");
        Neighbour(overlay, a);
        overlay.HandleMessage(a.Name, HyParViewMessage.ShuffleReply(a, [p1, p2], 1));
        Assert.Equal(2, overlay.PassiveView.Count);
        context.Sent.Clear();

        overlay.OnDisconnected(a.Name, "noconnection");

        Assert.Empty(overlay.ActiveView);
        HyParViewMessage[] requests = SentOf(context, HyParViewMessageKind.NeighbourRequest).ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.True(r.Flag, "with no neighbour left, requests are high priority"));

        overlay.HandleMessage(p1.Name, HyParViewMessage.NeighbourReply(p1, accepted: true, sequence: 1));
        Assert.Contains(p1, overlay.ActiveView);

        ((Partisan.Tests.Support.ManualTimeProvider)context.Time).Advance(options.NeighbourRequestTimeout + TimeSpan.FromSeconds(1));
        overlay.OnTimer("hyparview.pending");
        Assert.DoesNotContain(p2, overlay.PassiveView);
        Assert.Contains(p2.Name, context.Disconnected);
    }

    [Fact]
    public void A_reserved_slot_is_kept_for_a_peer_with_its_tag()
    {
        var options = new HyParViewOptions { ActiveViewSize = 3, MinActiveViewSize = 1 };
        options.ReservedTags.Add("server");
        (HyParViewOverlay overlay, _) = Start(options);
        Neighbour(overlay, Spec("a"));
        Neighbour(overlay, Spec("b"));

        // Two general slots are full: a low-priority request from an untagged node is refused, from a tagged one accepted.
        overlay.HandleMessage(Spec("c").Name, HyParViewMessage.NeighbourRequest(Spec("c"), Spec("self"), highPriority: false, sequence: 1));
        Assert.DoesNotContain(overlay.ActiveView, p => p.Name == Spec("c").Name);
        NodeSpec server = Spec("s", 1, "server");
        overlay.HandleMessage(server.Name, HyParViewMessage.NeighbourRequest(server, Spec("self"), highPriority: false, sequence: 1));
        Assert.Contains(server, overlay.ActiveView);
    }

    [Fact]
    public void A_route_search_floods_the_neighbours_once_and_the_reply_becomes_a_next_hop_and_a_member()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec a = Spec("a"), b = Spec("b"), far = Spec("far");
        Neighbour(overlay, a);
        Neighbour(overlay, b);
        context.Sent.Clear();

        overlay.RouteWanted(far.Name);
        overlay.RouteWanted(far.Name);

        HyParViewMessage[] requests = SentOf(context, HyParViewMessageKind.RouteRequest).ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal(far.Name, r.Target));

        overlay.HandleMessage(b.Name, HyParViewMessage.RouteReply(b, far, Spec("self").Name, 2));

        Assert.Equal(b.Name, overlay.NextHop(far.Name));
        Assert.Contains(far, overlay.Members);

        // The hop fails: the route is withdrawn, the neighbours are told, and a new search starts.
        context.Sent.Clear();
        overlay.OnDisconnected(b.Name, "noconnection");
        Assert.Null(overlay.NextHop(far.Name));
        Assert.Contains(context.Sent, s => s.Message is HyParViewMessage { Kind: HyParViewMessageKind.RouteError });
        Assert.Contains(context.Sent, s => s.Message is HyParViewMessage { Kind: HyParViewMessageKind.RouteRequest });
    }

    [Fact]
    public void A_route_search_is_forwarded_once_and_handed_to_the_destination_alone_by_its_neighbour()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec a = Spec("a"), b = Spec("b"), c = Spec("c"), origin = Spec("o");
        Neighbour(overlay, a);
        Neighbour(overlay, b);
        Neighbour(overlay, c);
        context.Sent.Clear();

        overlay.HandleMessage(a.Name, HyParViewMessage.RouteRequest(a, origin, Spec("far").Name, 7, 3, 2));
        overlay.HandleMessage(b.Name, HyParViewMessage.RouteRequest(b, origin, Spec("far").Name, 7, 3, 2));
        Assert.Equal([b.Name, c.Name], context.Sent.Select(s => s.To).Order());
        Assert.Equal(a.Name, overlay.NextHop(origin.Name));

        context.Sent.Clear();
        overlay.HandleMessage(a.Name, HyParViewMessage.RouteRequest(a, origin, c.Name, 8, 3, 2));
        (NodeName to, object message) = Assert.Single(context.Sent);
        Assert.Equal(c.Name, to);
        Assert.Equal(HyParViewMessageKind.RouteRequest, ((HyParViewMessage)message).Kind);
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var options = new HyParViewOptions { ActiveViewSize = 0, PassiveRandomWalkLength = 99, ShuffleInterval = TimeSpan.Zero };
        PartisanConfigurationException error = Assert.Throws<PartisanConfigurationException>(() => new HyParViewOverlay(options));
        Assert.Contains("ActiveViewSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("PassiveRandomWalkLength", error.Message, StringComparison.Ordinal);
        Assert.Contains("ShuffleInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leave_tells_the_active_peers_it_is_leaving_and_empties_the_views()
    {
        (HyParViewOverlay overlay, RecordingOverlayContext context) = Start();
        Neighbour(overlay, Spec("a"));
        Neighbour(overlay, Spec("b"));
        context.Sent.Clear();

        overlay.Leave(context.Self.Name);

        HyParViewMessage[] goodbyes = SentOf(context, HyParViewMessageKind.Disconnect).ToArray();
        Assert.Equal(2, goodbyes.Length);
        Assert.All(goodbyes, g => Assert.True(g.Flag));
        Assert.Empty(overlay.ActiveView);
        Assert.Single(overlay.Members);
    }
}
