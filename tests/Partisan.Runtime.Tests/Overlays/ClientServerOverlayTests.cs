using Partisan.Membership;
using Partisan.Overlays;
using Partisan.Overlays.ClientServer;

namespace Partisan.Tests.Overlays;

/// <summary>The client-server overlay's decisions, with no network: who is a neighbour, admission, next hops, gossip targets.</summary>
public class ClientServerOverlayTests
{
    private static NodeSpec Spec(string name, bool server = false) =>
        new(NodeName.Parse(name + "@127.0.0.1"), [new ListenAddress("127.0.0.1", 9000)], [ChannelOptions.Default, ChannelOptions.Membership], 1, server ? ["server"] : []);

    private static readonly NodeSpec S1 = Spec("s1", server: true);
    private static readonly NodeSpec S2 = Spec("s2", server: true);
    private static readonly NodeSpec S3 = Spec("s3", server: true);
    private static readonly NodeSpec C1 = Spec("c1");
    private static readonly NodeSpec C2 = Spec("c2");
    private static readonly NodeSpec C3 = Spec("c3");

    // An overlay at `self` whose state holds every one of `members` (as if gossip had converged).
    private static (ClientServerOverlay Overlay, RecordingOverlayContext Context) At(NodeSpec self, NodeSpec[] members, int serversPerClient = 0)
    {
        var overlay = new ClientServerOverlay(new ClientServerOptions { ServersPerClient = serversPerClient });
        var context = new RecordingOverlayContext(self);
        overlay.Start(context);
        NodeSpec seed = members[0] == self ? members[1] : members[0];
        overlay.Join(seed);
        MembershipState full = MembershipState.Create(seed);
        foreach (NodeSpec member in members)
        {
            full = full.Add(member);
        }

        overlay.HandleMessage(seed.Name, full);
        context.Sent.Clear();
        return (overlay, context);
    }

    private static readonly NodeSpec[] Everyone = [S1, S2, C1, C2, C3];

    [Fact]
    public void A_server_neighbours_every_server_and_every_client_and_a_client_only_the_servers()
    {
        (ClientServerOverlay atServer, _) = At(S1, Everyone);
        (ClientServerOverlay atClient, _) = At(C1, Everyone);

        Assert.True(atServer.IsServer);
        Assert.False(atClient.IsServer);
        Assert.Equal(5, atClient.Members.Count);
        Assert.Equal(["c1", "c2", "c3", "s2"], atServer.Neighbours.Select(n => n.Name.Value[..2]).Order());
        Assert.Equal(["s1", "s2"], atClient.Neighbours.Select(n => n.Name.Value[..2]).Order());
    }

    [Fact]
    public void Client_to_client_connections_are_refused_with_a_reason_and_others_accepted()
    {
        (ClientServerOverlay atClient, RecordingOverlayContext context) = At(C1, Everyone);
        (ClientServerOverlay atServer, _) = At(S1, Everyone);
        NodeSpec stranger = Spec("c9");

        OverlayAdmission refused = atClient.Admit(stranger, ChannelOptions.MembershipName);

        Assert.False(refused.IsAccepted);
        Assert.Contains("are both clients", refused.Refusal, StringComparison.Ordinal);
        Assert.Contains("join a server instead", refused.Refusal, StringComparison.Ordinal);
        Assert.True(atClient.Admit(S2, ChannelOptions.DefaultName).IsAccepted);
        Assert.True(atServer.Admit(stranger, ChannelOptions.DefaultName).IsAccepted);
        Assert.True(atServer.Admit(S2, ChannelOptions.DefaultName).IsAccepted);

        // The refused joiner is handed to the servers once the loop runs the introduction.
        Assert.True(context.Timers.ContainsKey("introduce"));
        atClient.OnTimer("introduce");
        Assert.Contains(atClient.Members, m => m.Name == stranger.Name);
        Assert.DoesNotContain(atClient.Neighbours, n => n.Name == stranger.Name);
    }

    [Fact]
    public void Introductions_are_bounded()
    {
        var overlay = new ClientServerOverlay(new ClientServerOptions { MaxPendingIntroductions = 2 });
        var context = new RecordingOverlayContext(C1);
        overlay.Start(context);
        overlay.Join(S1);

        string first = overlay.Admit(Spec("x1"), ChannelOptions.MembershipName).Refusal!;
        overlay.Admit(Spec("x2"), ChannelOptions.MembershipName);
        string third = overlay.Admit(Spec("x3"), ChannelOptions.MembershipName).Refusal!;
        overlay.OnTimer("introduce");

        Assert.Contains("handed", first, StringComparison.Ordinal);
        Assert.DoesNotContain("handed", third, StringComparison.Ordinal);
        Assert.Contains(overlay.Members, m => m.Name.Value.StartsWith("x2", StringComparison.Ordinal));
        Assert.DoesNotContain(overlay.Members, m => m.Name.Value.StartsWith("x3", StringComparison.Ordinal));
    }

    [Fact]
    public void A_client_relays_to_another_client_through_a_connected_server_that_serves_both()
    {
        (ClientServerOverlay atClient, RecordingOverlayContext context) = At(C1, Everyone);

        Assert.Null(atClient.NextHop(C2.Name)); // no server connected yet
        context.Connected.Add(S2.Name);
        Assert.Equal(S2.Name, atClient.NextHop(C2.Name));
        context.Connected.Add(S1.Name);
        Assert.Equal(atClient.ServersOf(C2.Name)[0], atClient.NextHop(C2.Name)); // the destination's best-ranked server
        Assert.Null(atClient.NextHop(S1.Name)); // a neighbour: directly or not at all
    }

    [Fact]
    public void A_server_reports_what_it_cannot_reach_and_a_client_relays_only_through_servers_that_can()
    {
        (ClientServerOverlay atServer, RecordingOverlayContext serverContext) = At(S1, Everyone);
        serverContext.Connected.UnionWith([S2.Name, C1.Name]);

        atServer.OnTimer("unreachable");

        NodeName[] report = Assert.IsType<NodeName[]>(serverContext.Sent.First(s => s.To == C1.Name).Message);
        Assert.Equal([C2.Name, C3.Name], report);
        Assert.Equal(4, serverContext.Sent.Count); // one report to each neighbour
        serverContext.Sent.Clear();
        atServer.OnTimer("unreachable");
        Assert.Empty(serverContext.Sent); // unchanged: not sent again

        (ClientServerOverlay atClient, RecordingOverlayContext clientContext) = At(C1, Everyone);
        clientContext.Connected.UnionWith([S1.Name, S2.Name]);
        NodeName best = atClient.ServersOf(C2.Name)[0];
        NodeName other = best == S1.Name ? S2.Name : S1.Name;
        atClient.HandleMessage(best, new[] { C2.Name });
        Assert.Equal(other, atClient.NextHop(C2.Name));
        atClient.HandleMessage(C3.Name, new[] { C2.Name }); // not a server: ignored
        atClient.HandleMessage(other, new[] { C2.Name });
        Assert.Null(atClient.NextHop(C2.Name));
        Assert.Equal(atClient.ServersOf(C3.Name)[0], atClient.NextHop(C3.Name)); // the reports are about c2 only
        atClient.HandleMessage(best, Array.Empty<NodeName>());
        Assert.Equal(best, atClient.NextHop(C2.Name));
    }

    [Fact]
    public void With_one_server_per_client_every_node_agrees_and_a_server_hands_a_foreign_client_to_its_server()
    {
        NodeSpec[] members = [S1, S2, S3, C1, C2, C3, Spec("c4"), Spec("c5"), Spec("c6")];
        (ClientServerOverlay atS1, RecordingOverlayContext s1Context) = At(S1, members, serversPerClient: 1);
        (ClientServerOverlay atS2, _) = At(S2, members, serversPerClient: 1);
        (ClientServerOverlay atC1, _) = At(C1, members, serversPerClient: 1);

        foreach (NodeSpec member in members.Where(m => !m.HasTag("server")))
        {
            NodeName chosen = Assert.Single(atS1.ServersOf(member.Name));
            Assert.Equal([chosen], atS2.ServersOf(member.Name));
            Assert.Equal([chosen], atC1.ServersOf(member.Name));
            Assert.Equal(chosen == S1.Name, atS1.Neighbours.Any(n => n.Name == member.Name));
        }

        Assert.Equal([atC1.ServersOf(C1.Name)[0]], atC1.Neighbours.Select(n => n.Name));
        NodeSpec foreign = members.First(m => !m.HasTag("server") && atS1.ServersOf(m.Name)[0] != S1.Name);
        NodeName itsServer = atS1.ServersOf(foreign.Name)[0];
        s1Context.Connected.Add(itsServer);
        Assert.Equal(itsServer, atS1.NextHop(foreign.Name));
    }

    [Fact]
    public void Rendezvous_choice_is_stable_and_moves_only_the_clients_of_a_removed_server()
    {
        NodeName[] three = [S1.Name, S2.Name, S3.Name];
        NodeName[] two = [S1.Name, S3.Name];
        for (int i = 0; i < 200; i++)
        {
            NodeName client = NodeName.Parse($"client{i}@10.0.0.1");
            NodeName[] before = ServerRanking.Choose(client, three, 1);
            Assert.Equal(before, ServerRanking.Choose(client, three, 1));
            Assert.Equal(3, ServerRanking.Choose(client, three, 0).Length);
            Assert.Equal(before[0], ServerRanking.Choose(client, three, 0)[0]);
            if (before[0] != S2.Name)
            {
                Assert.Equal(before, ServerRanking.Choose(client, two, 1));
            }
        }
    }

    [Fact]
    public void A_client_gossips_only_to_its_servers_and_a_leave_reaches_the_neighbours()
    {
        (ClientServerOverlay atClient, RecordingOverlayContext context) = At(C1, Everyone);

        atClient.OnTimer("gossip");
        atClient.Leave(C2.Name);
        atClient.OnTimer("push");

        Assert.All(context.Sent, s => Assert.Contains(s.To, new[] { S1.Name, S2.Name }));
        Assert.DoesNotContain(atClient.Members, m => m.Name == C2.Name);
        Assert.Contains(context.Sent, s => s.Message is MembershipState state && !state.Contains(C2.Name));
    }

    [Fact]
    public void A_message_it_does_not_understand_is_an_error_and_invalid_options_are_rejected()
    {
        (ClientServerOverlay atClient, _) = At(C1, Everyone);

        Assert.Throws<ArgumentException>(() => atClient.HandleMessage(S1.Name, "hello"));
        ArgumentException invalid = Assert.Throws<ArgumentException>(() => new ClientServerOverlay(new ClientServerOptions { ServersPerClient = -1, ServerTag = "no spaces" }));
        Assert.Contains("ServersPerClient must be between 0", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("ServerTag", invalid.Message, StringComparison.Ordinal);
    }
}
