using Partisan.Membership;
using Partisan.Overlays.FullMesh;

namespace Partisan.Tests.Overlays;

public class FullMeshOverlayTests
{
    private static NodeSpec Spec(string name, long incarnation) =>
        new(NodeName.Parse(name + "@127.0.0.1"), [new ListenAddress("127.0.0.1", 1)], [ChannelOptions.Default, ChannelOptions.Membership], incarnation);

    [Fact]
    public void Late_gossip_from_the_old_cluster_does_not_undo_a_leave()
    {
        NodeSpec x = Spec("x", 1);
        NodeSpec y = Spec("y", 1);
        var atX = new FullMeshOverlay();
        var atY = new FullMeshOverlay();
        var contextY = new RecordingOverlayContext(y);
        atX.Start(new RecordingOverlayContext(x));
        atY.Start(contextY);
        atY.Join(x);
        atX.HandleMessage(y.Name, atY.State);
        MembershipState beforeLeave = atX.State; // gossip x sent before it heard of the leave

        atY.Leave(y.Name);
        contextY.Self = Spec("y", 2); // the node restarts the leaver with a new incarnation
        atY.Start(contextY);
        contextY.Sent.Clear();
        atY.HandleMessage(x.Name, beforeLeave);

        Assert.Null(contextY.ResetReason);
        NodeSpec only = Assert.Single(atY.Members);
        Assert.Equal(y.Name, only.Name);
        Assert.Empty(atY.Neighbours);
        Assert.Empty(contextY.Sent);
    }

    [Fact]
    public void A_restarted_node_is_pulled_back_by_gossip_about_its_earlier_run()
    {
        NodeSpec x = Spec("x", 1);
        NodeSpec y = Spec("y", 1);
        var atX = new FullMeshOverlay();
        var atY = new FullMeshOverlay();
        atX.Start(new RecordingOverlayContext(x));
        atY.Start(new RecordingOverlayContext(y));
        atY.Join(x);
        atX.HandleMessage(y.Name, atY.State);

        var restarted = new FullMeshOverlay();
        restarted.Start(new RecordingOverlayContext(Spec("y", 2)));
        restarted.HandleMessage(x.Name, atX.State);

        Assert.Equal(2, restarted.Members.Count);
        Assert.Contains(restarted.Members, m => m.Name == y.Name && m.Incarnation == 2);
        Assert.Equal([x.Name], restarted.Neighbours.Select(n => n.Name));
    }

    [Fact]
    public void A_join_gossips_to_the_new_member_and_arms_the_gossip_timer()
    {
        NodeSpec x = Spec("x", 1);
        NodeSpec y = Spec("y", 1);
        var context = new RecordingOverlayContext(y);
        var overlay = new FullMeshOverlay(TimeSpan.FromSeconds(3));
        overlay.Start(context);
        Assert.Equal((TimeSpan.FromSeconds(3), (TimeSpan?)TimeSpan.FromSeconds(3)), context.Timers["gossip"]);

        overlay.Join(x);

        (NodeName to, object message) = Assert.Single(context.Sent);
        Assert.Equal(x.Name, to);
        Assert.True(((MembershipState)message).Contains(y.Name));
        context.Sent.Clear();
        overlay.OnTimer("gossip");
        Assert.Equal(x.Name, Assert.Single(context.Sent).To);
    }

    [Fact]
    public void Gossip_that_shows_this_node_removed_asks_for_a_reset()
    {
        NodeSpec x = Spec("x", 1);
        NodeSpec y = Spec("y", 1);
        var atX = new FullMeshOverlay();
        var contextY = new RecordingOverlayContext(y);
        var atY = new FullMeshOverlay();
        atX.Start(new RecordingOverlayContext(x));
        atY.Start(contextY);
        atY.Join(x);
        atX.HandleMessage(y.Name, atY.State);

        atX.Leave(y.Name);
        atY.HandleMessage(x.Name, atX.State);

        Assert.Equal("removed", contextY.ResetReason);
    }

    // A node that knows `count` members besides itself, with its pushes and probes recorded.
    private static (FullMeshOverlay Overlay, RecordingOverlayContext Context, NodeSpec[] Others) Knowing(int count)
    {
        var context = new RecordingOverlayContext(Spec("self", 1), seed: 42);
        var overlay = new FullMeshOverlay();
        overlay.Start(context);
        var others = new NodeSpec[count];
        MembershipState known = MembershipState.Create(Spec("seed", 1));
        for (int i = 0; i < count; i++)
        {
            others[i] = Spec("n" + i, 1);
            known = known.Add(others[i]);
        }

        overlay.Join(others[0]);
        overlay.HandleMessage(others[0].Name, known.Merge(overlay.State));
        overlay.OnTimer("push");
        context.Sent.Clear();
        return (overlay, context, others);
    }

    [Fact]
    public void A_change_in_a_large_cluster_is_pushed_once_to_a_random_fanout_not_to_everyone()
    {
        (FullMeshOverlay overlay, RecordingOverlayContext context, NodeSpec[] _) = Knowing(40);
        Assert.Equal(41, overlay.Neighbours.Count); // n0..n39 and the seed
        Assert.Equal(2 + (int)Math.Ceiling(Math.Log2(42)), overlay.Fanout);

        // Three changes before the push runs: one push timer, one push.
        MembershipState elsewhere = overlay.State;
        for (int i = 0; i < 3; i++)
        {
            elsewhere = elsewhere.Add(Spec("late" + i, 1));
            overlay.HandleMessage(overlay.Neighbours.First().Name, elsewhere);
        }

        Assert.Empty(context.Sent); // the sender knew everything: nothing to answer, the push waits for its timer
        Assert.True(context.Timers.ContainsKey("push"));
        overlay.OnTimer("push");

        Assert.Equal(overlay.Fanout, context.Sent.Count);
        Assert.Equal(overlay.Fanout, context.Sent.Select(s => s.To).Distinct().Count());
        Assert.All(context.Sent, s => Assert.Same(overlay.State, s.Message));
        Assert.Equal(45, overlay.Members.Count); // self, the seed, n0..n39, three late joiners
    }

    [Fact]
    public void A_small_cluster_pushes_to_every_neighbour()
    {
        (FullMeshOverlay overlay, RecordingOverlayContext context, NodeSpec[] others) = Knowing(5);
        overlay.HandleMessage(others[1].Name, overlay.State.Add(Spec("late", 1)));
        overlay.OnTimer("push");

        Assert.Equal(overlay.Neighbours.Select(n => n.Name).OrderBy(n => n.ToString()), context.Sent.Select(s => s.To).OrderBy(n => n.ToString()));
    }

    [Fact]
    public void Anti_entropy_sends_one_digest_and_only_a_differing_peer_answers_with_its_state()
    {
        (FullMeshOverlay overlay, RecordingOverlayContext context, NodeSpec[] others) = Knowing(20);
        overlay.OnTimer("gossip");
        (NodeName to, object probe) = Assert.Single(context.Sent);
        Assert.Contains(overlay.Neighbours, n => n.Name == to);
        Assert.Equal(overlay.State.Digest, Assert.IsType<ulong>(probe));
        context.Sent.Clear();

        overlay.HandleMessage(others[3].Name, overlay.State.Digest);
        Assert.Empty(context.Sent);

        overlay.HandleMessage(others[3].Name, overlay.State.Digest ^ 1);
        (NodeName answeredTo, object answer) = Assert.Single(context.Sent);
        Assert.Equal(others[3].Name, answeredTo);
        Assert.Same(overlay.State, answer);
    }

    [Fact]
    public void A_sender_that_knew_less_gets_the_state_back_at_once()
    {
        (FullMeshOverlay overlay, RecordingOverlayContext context, NodeSpec[] _) = Knowing(20);
        NodeSpec joiner = Spec("joiner", 1);
        MembershipState joinerState = MembershipState.Create(joiner).Add(overlay.State.Self);

        overlay.HandleMessage(joiner.Name, joinerState);

        Assert.Equal(joiner.Name, context.Sent[0].To);
        Assert.True(((MembershipState)context.Sent[0].Message).Contains(NodeName.Parse("n19@127.0.0.1")));
        Assert.Single(context.Sent); // the push for the change waits for its timer
    }
}
