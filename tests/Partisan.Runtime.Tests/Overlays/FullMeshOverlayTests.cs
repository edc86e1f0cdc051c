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
}
