using Partisan.Broadcast;
using static Partisan.Tests.Broadcast.EngineNetwork;

namespace Partisan.Tests.Broadcast;

/// <summary>
/// The Plumtree engine alone, on a virtual clock with no sockets: eager push, prune on duplicates, lazy announcements,
/// grafts on missing messages, neighbour changes, contained handler failures and bounded structures.
/// </summary>
public class BroadcastEngineTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private static bool IsGossip(object message, string id) => message is GossipMessage g && (string)g.Id == id;

    // a, b and c linked in a triangle; a's first broadcast reaches b and c from a and from each other, and the duplicates
    // prune the b–c link for root a in both directions.
    private static (EngineNetwork Net, SetHandler A, SetHandler B, SetHandler C) PrunedTriangle(BroadcastOptions? options = null)
    {
        var net = new EngineNetwork(options);
        SetHandler a = net.Add("a"), b = net.Add("b"), c = net.Add("c");
        net.Link("a-b", "b-c", "a-c");
        a.Publish(net["a"], "m1");
        net.RunFor(Settle);
        return (net, a, b, c);
    }

    [Fact]
    public void Every_neighbour_is_eager_at_start_and_a_broadcast_pushes_the_payload_to_each_once()
    {
        var net = new EngineNetwork();
        SetHandler a = net.Add("a"), b = net.Add("b"), c = net.Add("c"), d = net.Add("d");
        net.Link("a-b", "a-c", "a-d");
        Assert.True(net["a"].IsEager(N("a"), N("b")));
        Assert.True(net["a"].IsEager(N("x"), N("d")));

        a.Publish(net["a"], "m1");
        Assert.Equal(3, net.Count<GossipMessage>(s => s.From == N("a")));
        net.RunFor(Settle);

        Assert.All(new[] { b, c, d }, h => Assert.Equal(new[] { "m1" }, h.Merged));
        Assert.Equal(0, net.Count<PruneMessage>());
        Assert.Equal(1, net["a"].Counters.Broadcasts);
    }

    [Fact]
    public void Duplicates_prune_the_link_they_came_by_and_the_next_broadcast_crosses_each_node_once()
    {
        (EngineNetwork net, SetHandler a, SetHandler b, SetHandler c) = PrunedTriangle();
        Assert.Equal(2, net.Count<PruneMessage>());
        Assert.True(net["b"].IsLazy(N("a"), N("c")));
        Assert.True(net["c"].IsLazy(N("a"), N("b")));
        Assert.True(net["b"].IsEager(N("a"), N("a")));
        Assert.True(net["b"].IsEager(N("c"), N("c")), "a prune concerns one root's tree only");

        a.Publish(net["a"], "m2");
        net.RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(2, net.Count<GossipMessage>(s => IsGossip(s.Message, "m2"))); // a→b and a→c only
        Assert.Equal(new[] { "m1", "m2" }, b.Merged);
        Assert.Equal(new[] { "m1", "m2" }, c.Merged);
        Assert.Equal(2, net.Count<IHaveMessage>()); // b and c announce m2 to each other, lazily
        Assert.Equal(0, net.Count<GraftMessage>()); // and each already has it
        Assert.Equal(0, net["c"].MissingCount);
    }

    [Fact]
    public void A_lost_eager_push_is_grafted_from_an_announcer_after_the_graft_timeout_and_that_link_turns_eager()
    {
        (EngineNetwork net, SetHandler a, SetHandler _, SetHandler c) = PrunedTriangle();
        net.Rule = (from, to, m) => from == N("a") && to == N("c") && IsGossip(m, "m2") ? null : TimeSpan.Zero;

        a.Publish(net["a"], "m2");
        net.RunFor(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain("m2", c.Items); // announced by b at its lazy tick, awaited for GraftTimeout
        Assert.Equal(1, net["c"].MissingCount);
        Assert.Equal(0, net.Count<GraftMessage>());

        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Contains("m2", c.Items);
        Assert.Equal(1, net.Count<GraftMessage>(s => s.From == N("c") && s.To == N("b")));
        Assert.Equal(1, net["b"].Counters.GraftsServed);
        Assert.True(net["c"].IsEager(N("a"), N("b")));
        Assert.True(net["b"].IsEager(N("a"), N("c")));
        Assert.Equal(0, net["c"].MissingCount);
    }

    [Fact]
    public void An_eager_push_that_arrives_late_but_within_the_graft_timeout_needs_no_graft()
    {
        (EngineNetwork net, SetHandler a, SetHandler _, SetHandler c) = PrunedTriangle();
        net.Rule = (from, to, m) => from == N("a") && to == N("c") && IsGossip(m, "m2") ? TimeSpan.FromSeconds(1.5) : TimeSpan.Zero;

        a.Publish(net["a"], "m2");
        net.RunFor(TimeSpan.FromSeconds(1.2));
        Assert.Equal(1, net["c"].MissingCount); // b's announcement came first

        net.RunFor(TimeSpan.FromSeconds(5));
        Assert.Contains("m2", c.Items);
        Assert.Equal(0, net.Count<GraftMessage>());
        Assert.Equal(0, net["c"].MissingCount);
    }

    [Fact]
    public void A_missing_message_whose_grafts_go_unanswered_is_abandoned_after_the_last_attempt()
    {
        (EngineNetwork net, SetHandler a, SetHandler _, SetHandler c) = PrunedTriangle();
        net.Rule = (_, to, m) => to == N("c") && IsGossip(m, "m2") ? null : TimeSpan.Zero;

        a.Publish(net["a"], "m2");
        net.RunFor(TimeSpan.FromSeconds(12));

        Assert.DoesNotContain("m2", c.Items);
        Assert.Equal(net.Options.MaxGraftAttempts, net.Count<GraftMessage>(s => s.From == N("c")));
        Assert.Equal(net.Options.MaxGraftAttempts, net["b"].Counters.GraftsServed);
        Assert.Equal(1, net["c"].Counters.MissingAbandoned);
        Assert.Equal(0, net["c"].MissingCount);
    }

    [Fact]
    public void Grafts_go_to_each_announcer_in_turn()
    {
        var net = new EngineNetwork();
        net.Add("a");
        SetHandler b = net.Add("b"), c = net.Add("c"), d = net.Add("d");
        net.Link("d-b", "d-c");
        b.Items.Add("m");
        c.Items.Add("m");
        net.Rule = (from, _, m) => m is GossipMessage && from == N("b") ? null : TimeSpan.Zero; // b's answer is lost
        net["d"].TryHandleMessage(N("b"), new IHaveMessage([new IHaveEntry("set", "m", 1, N("a"))]));
        net["d"].TryHandleMessage(N("c"), new IHaveMessage([new IHaveEntry("set", "m", 1, N("a"))]));

        net.RunFor(TimeSpan.FromSeconds(4));

        Assert.Equal(new[] { N("b"), N("c") }, net.Sent.Where(s => s.Message is GraftMessage).Select(s => s.To));
        Assert.Contains("m", d.Items);
    }

    [Fact]
    public void A_new_neighbour_is_eager_in_every_tree_and_a_removed_one_loses_its_queued_announcements()
    {
        (EngineNetwork net, SetHandler a, SetHandler _, SetHandler _) = PrunedTriangle();
        a.Publish(net["a"], "m2");
        net.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, net["b"].PendingAnnouncements); // m2 for c, at the next lazy tick

        net["b"].SetNeighbours([N("a")]);
        Assert.Equal(0, net["b"].PendingAnnouncements);
        Assert.False(net["b"].IsLazy(N("a"), N("c")));
        net.RunFor(TimeSpan.FromSeconds(2));
        Assert.Equal(0, net.Count<IHaveMessage>(s => s.From == N("b")));

        net["b"].SetNeighbours([N("a"), N("c")]);
        Assert.True(net["b"].IsEager(N("a"), N("c")));
    }

    [Fact]
    public void A_handler_that_throws_is_contained_and_the_engine_goes_on()
    {
        var net = new EngineNetwork();
        SetHandler a = net.Add("a"), b = net.Add("b");
        net.Link("a-b");
        b.FailOn = "bad";

        a.Publish(net["a"], "bad");
        a.Publish(net["a"], "good");
        net.RunFor(Settle);

        Assert.Equal(1, net["b"].Counters.HandlerFailures);
        Assert.Equal(new[] { "good" }, b.Merged);
        Assert.Equal(0, net.Count<PruneMessage>()); // a failure is not a duplicate
    }

    [Fact]
    public void Announcements_waiting_for_a_peer_are_bounded()
    {
        (EngineNetwork net, SetHandler a, SetHandler _, SetHandler _) = PrunedTriangle(new BroadcastOptions { MaxPendingAnnouncementsPerPeer = 2 });
        for (int i = 2; i <= 6; i++)
        {
            a.Publish(net["a"], "m" + i);
        }

        net.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.Equal(2, net["b"].PendingAnnouncements);
        Assert.Equal(3, net["b"].Counters.AnnouncementsDropped);

        net.RunFor(TimeSpan.FromSeconds(1));
        IHaveMessage sent = Assert.Single(net.Sent, s => s.From == N("b") && s.Message is IHaveMessage).Message as IHaveMessage ?? throw new InvalidOperationException();
        Assert.Equal(2, sent.Entries.Length);
    }

    [Fact]
    public void Missing_messages_awaited_at_once_are_bounded()
    {
        var net = new EngineNetwork(new BroadcastOptions { MaxMissing = 1 });
        net.Add("a");
        net.Add("b");
        net.Link("a-b");
        IHaveEntry[] entries = [new("set", "x", 1, N("c")), new("set", "y", 1, N("c")), new("set", "z", 1, N("c"))];

        net["a"].TryHandleMessage(N("b"), new IHaveMessage(entries));

        Assert.Equal(1, net["a"].MissingCount);
        Assert.Equal(2, net["a"].Counters.MissingAbandoned);
    }

    [Fact]
    public void Deadlines_of_messages_that_arrived_do_not_pile_up_beyond_twice_the_missing_bound()
    {
        var net = new EngineNetwork(new BroadcastOptions { MaxMissing = 2 });
        net.Add("a");
        net.Add("b");
        net.Link("a-b");
        BroadcastEngine engine = net["a"];

        for (int i = 0; i < 50; i++)
        {
            string id = "m" + i;
            engine.TryHandleMessage(N("b"), new IHaveMessage([new IHaveEntry("set", id, 1, N("c"))]));
            engine.TryHandleMessage(N("b"), new GossipMessage("set", id, id, 1, N("c")));
        }

        Assert.Equal(0, engine.MissingCount);
        Assert.Equal(50, engine.Counters.Delivered);
        Assert.InRange(engine.QueuedDeadlines, 0, 4);
    }

    [Fact]
    public void Roots_with_a_tree_of_their_own_are_bounded_and_the_oldest_starts_again_all_eager()
    {
        var net = new EngineNetwork(new BroadcastOptions { MaxTrees = 1 });
        net.Add("a");
        net.Add("b");
        net.Link("a-b");

        net["a"].TryHandleMessage(N("b"), new PruneMessage("set", N("r1")));
        Assert.True(net["a"].IsLazy(N("r1"), N("b")));
        net["a"].TryHandleMessage(N("b"), new PruneMessage("set", N("r2")));

        Assert.True(net["a"].IsLazy(N("r2"), N("b")));
        Assert.True(net["a"].IsEager(N("r1"), N("b")));
    }

    [Fact]
    public void Bad_input_is_dropped_and_counted_unknown_handlers_forged_roots_strangers_and_grafts_for_unknown_ids()
    {
        var net = new EngineNetwork();
        SetHandler a = net.Add("a");
        net.Add("b");
        net.Add("stranger");
        net.Link("a-b");
        BroadcastEngine engine = net["a"];

        Assert.True(engine.TryHandleMessage(N("b"), new GossipMessage("nobody", "x", "x", 1, N("b"))));
        Assert.True(engine.TryHandleMessage(N("b"), new GossipMessage("set", "x", "x", 1, N("a")))); // claims to be a's own
        Assert.True(engine.TryHandleMessage(N("stranger"), new PruneMessage("set", N("b"))));
        Assert.True(engine.TryHandleMessage(N("stranger"), new IHaveMessage([new IHaveEntry("set", "y", 1, N("b"))])));
        Assert.True(engine.TryHandleMessage(N("b"), new GraftMessage("set", "unknown", 1, N("a"))));

        Assert.Equal(4, engine.Counters.Dropped);
        Assert.Empty(a.Items);
        Assert.True(engine.IsEager(N("b"), N("b")));
        Assert.Equal(0, engine.MissingCount);
        Assert.Equal(0, net.Count<GossipMessage>()); // the graft for an unknown id got no payload
        Assert.False(engine.TryHandleMessage(N("b"), "not a broadcast message"));
        Assert.False(engine.TryHandleTimer("someone-else's-timer"));
    }

    [Fact]
    public void Without_pruning_the_engine_floods_every_link()
    {
        (EngineNetwork net, SetHandler a, SetHandler _, SetHandler _) = PrunedTriangle(new BroadcastOptions { PruneOnDuplicate = false });
        a.Publish(net["a"], "m2");
        net.RunFor(Settle);

        Assert.Equal(0, net.Count<PruneMessage>());
        Assert.Equal(4, net.Count<GossipMessage>(s => IsGossip(s.Message, "m2"))); // a→b, a→c, b→c, c→b
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var options = new BroadcastOptions { LazyTickPeriod = TimeSpan.Zero, MaxTrees = 0, TimerPrefix = " " };

        ArgumentException error = Assert.Throws<ArgumentException>(() => new EngineNetwork(options).Add("a"));

        Assert.Contains("LazyTickPeriod", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxTrees", error.Message, StringComparison.Ordinal);
        Assert.Contains("TimerPrefix", error.Message, StringComparison.Ordinal);
    }
}
