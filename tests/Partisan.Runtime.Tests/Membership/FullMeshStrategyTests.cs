using Partisan.Membership;

namespace Partisan.Tests.Membership;

public class FullMeshStrategyTests
{
    private static NodeSpec Spec(string name, long incarnation) =>
        new(NodeName.Parse(name + "@127.0.0.1"), [new ListenAddress("127.0.0.1", 1)], [ChannelOptions.Default, ChannelOptions.Membership], incarnation);

    [Fact]
    public void Late_gossip_from_the_old_cluster_does_not_undo_a_leave()
    {
        NodeSpec x = Spec("x", 1);
        NodeSpec y = Spec("y", 1);
        var atX = new FullMeshMembershipStrategy();
        var atY = new FullMeshMembershipStrategy();
        atX.Initialize(x);
        atY.Initialize(y);
        atY.Join(x);
        atX.HandleMessage(y.Name, atY.State);
        MembershipState beforeLeave = atX.State; // gossip x sent before it heard of the leave

        atY.Leave(y.Name);
        atY.Initialize(Spec("y", 2)); // the manager resets the leaver with a new incarnation
        MembershipUpdate late = atY.HandleMessage(x.Name, beforeLeave);

        Assert.False(late.SelfRemoved);
        Assert.Single(late.Members);
        Assert.Equal(y.Name, late.Members[0].Name);
        Assert.Empty(late.Outgoing);
    }

    [Fact]
    public void A_restarted_node_is_pulled_back_by_gossip_about_its_earlier_run()
    {
        NodeSpec x = Spec("x", 1);
        NodeSpec y = Spec("y", 1);
        var atX = new FullMeshMembershipStrategy();
        var atY = new FullMeshMembershipStrategy();
        atX.Initialize(x);
        atY.Initialize(y);
        atY.Join(x);
        atX.HandleMessage(y.Name, atY.State);

        var restarted = new FullMeshMembershipStrategy();
        restarted.Initialize(Spec("y", 2));
        MembershipUpdate update = restarted.HandleMessage(x.Name, atX.State);

        Assert.Equal(2, update.Members.Count);
        Assert.Contains(update.Members, m => m.Name == y.Name && m.Incarnation == 2);
    }
}
