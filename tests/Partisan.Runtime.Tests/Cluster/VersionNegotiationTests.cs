using Partisan.Calls;
using Partisan.Serialization;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Cluster;

/// <summary>The handshake settles on the highest version both nodes speak; nodes with no common version refuse each other and stay up.</summary>
public class VersionNegotiationTests
{
    private const string Secret = "test-cluster-secret";
    private static readonly ProtocolVersions Old = new(1, 1);
    private static readonly ProtocolVersions New = new(1, 2);
    private static readonly ProtocolVersions NewOnly = new(2, 2);

    internal static void Speaking(PartisanOptions options, ProtocolVersions versions) => options.ProtocolVersions = versions;

    /// <summary>A process that answers every call with "echo " and the request.</summary>
    internal static Pid StartEcho(PartisanNode node) => node.Spawn(async ctx =>
    {
        while (true)
        {
            if (await ctx.ReceiveAsync() is CallRequest request)
            {
                ctx.Node.HandleFor(request).Reply($"echo {request.Request}");
            }
        }
    });

    [Fact]
    public void The_highest_version_in_both_ranges_is_chosen()
    {
        Assert.Equal(1, New.Negotiate(Old));
        Assert.Equal(1, Old.Negotiate(New));
        Assert.Equal(2, New.Negotiate(NewOnly));
        Assert.Equal(2, new ProtocolVersions(1, 2).Negotiate(new ProtocolVersions(2, 7)));
        Assert.Null(Old.Negotiate(NewOnly));
        Assert.Null(NewOnly.Negotiate(Old));
        Assert.Equal("versions 1–2", New.ToString());
        Assert.Equal("version 1", Old.ToString());
        Assert.NotNull(new ProtocolVersions(2, 1).Validate());
        Assert.NotNull(new ProtocolVersions(1, ProtocolVersions.Newest + 1).Validate());
        Assert.Null(ProtocolVersions.Supported.Validate());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_version_1_node_and_a_version_2_node_form_a_cluster_over_TCP(bool newJoinsOld)
    {
        await using var nodes = new TestNodes();
        PartisanNode old = await nodes.StartAsync("old", o => Speaking(o, Old));
        PartisanNode @new = await nodes.StartAsync("new", o => Speaking(o, New));
        await (newJoinsOld ? @new.JoinAsync(old.ListenAddresses[0]) : old.JoinAsync(@new.ListenAddresses[0]));
        await Eventually.True(() => TestNodes.AllSee([old, @new]), "both nodes see each other and are fully connected");

        Assert.All(old.ConnectionManager.OpenConnections(), c => Assert.Equal(1, c.ProtocolVersion));
        Assert.All(@new.ConnectionManager.OpenConnections(), c => Assert.Equal(1, c.ProtocolVersion));
        await AssertMessagesAndCallsBothWaysAsync(old, @new);
    }

    [Fact]
    public async Task Two_version_2_nodes_speak_version_2()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o => Speaking(o, New));

        Assert.All(cluster[0].ConnectionManager.OpenConnections(), c => Assert.Equal(2, c.ProtocolVersion));
        Assert.All(cluster[1].ConnectionManager.OpenConnections(), c => Assert.Equal(2, c.ProtocolVersion));
        await AssertMessagesAndCallsBothWaysAsync(cluster[0], cluster[1]);
    }

    internal static async Task AssertMessagesAndCallsBothWaysAsync(PartisanNode a, PartisanNode b)
    {
        foreach ((PartisanNode from, PartisanNode to) in new[] { (a, b), (b, a) })
        {
            var probe = Probe.Start(to);
            Pid echo = StartEcho(to);
            for (int i = 0; i < 10; i++)
            {
                Assert.True(from.Send(probe.Pid, $"m{i}"));
            }

            for (int i = 0; i < 10; i++)
            {
                Assert.Equal($"m{i}", await probe.NextAsync());
            }

            Assert.Equal("echo ping", await from.CallAsync<string>(echo, "ping", timeout: TimeSpan.FromSeconds(20)));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Nodes_with_no_common_version_refuse_each_other_clearly_and_stay_up(bool newerDials)
    {
        await using var nodes = new TestNodes();
        PartisanNode old = await nodes.StartAsync("old", o => Speaking(o, Old));
        PartisanNode newer = await nodes.StartAsync("v2only", o => Speaking(o, NewOnly));
        (PartisanNode dialer, PartisanNode acceptor) = newerDials ? (newer, old) : (old, newer);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => dialer.JoinAsync(acceptor.ListenAddresses[0]));

        Assert.Equal(HandshakeFailure.VersionMismatch, error.Reason);
        Assert.Contains("protocol version", error.Message);
        Assert.Contains(acceptor.Name.Value, error.Message);
        Assert.DoesNotContain(acceptor.Name, dialer.Members());
        Assert.DoesNotContain(dialer.Name, acceptor.Members());

        // Both stay up and take peers they share a version with.
        PartisanNode both = await nodes.StartAsync("both", o => Speaking(o, New));
        await both.JoinAsync(old.ListenAddresses[0]);
        var probe = Probe.Start(old);
        await Eventually.True(() => both.IsFullyConnected(old.Name), "a node speaking 1–2 connects to the old node");
        Assert.True(both.Send(probe.Pid, "to old"));
        Assert.Equal("to old", await probe.NextAsync());
        PartisanNode second = await nodes.StartAsync("both", o => Speaking(o, New));
        await second.JoinAsync(newer.ListenAddresses[0]);
        probe = Probe.Start(newer);
        await Eventually.True(() => second.IsFullyConnected(newer.Name), "a node speaking 1–2 connects to the version 2 node");
        Assert.True(second.Send(probe.Pid, "to new"));
        Assert.Equal("to new", await probe.NextAsync());
    }

    [Theory]
    [InlineData(1, 1, 2, 2)]
    [InlineData(2, 2, 1, 1)]
    public async Task The_handshake_fails_on_both_sides_with_a_version_mismatch(int initiatorMin, int initiatorMax, int acceptorMin, int acceptorMax)
    {
        (HandshakeException dialerError, HandshakeException acceptorError) = await HandshakeRefusal.BothSidesAsync(
            Settings("initiator@127.0.0.1", new ProtocolVersions(initiatorMin, initiatorMax)),
            Settings("acceptor@127.0.0.1", new ProtocolVersions(acceptorMin, acceptorMax)));

        Assert.Equal(HandshakeFailure.VersionMismatch, dialerError.Reason);
        Assert.Equal(HandshakeFailure.VersionMismatch, acceptorError.Reason);
        Assert.Contains($"protocol version {initiatorMin}", dialerError.Message);
        Assert.Contains($"protocol version {initiatorMin}", acceptorError.Message);
    }

    private static HandshakeSettings Settings(string name, ProtocolVersions versions) => HandshakeRefusal.Settings(name, versions);

    [Fact]
    public async Task A_peer_speaking_only_version_1_is_answered_with_version_1_and_the_connection_records_it()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);

        HandshakeResult result = await raw.HandshakeAsync("raw@127.0.0.1", Secret, versions: Old);

        Assert.Equal(1, result.Version);
        await Eventually.True(() => node.ConnectionManager.OpenConnections() is [{ ProtocolVersion: 1 }], "the node records version 1 for the connection");
    }

    [Fact]
    public void Options_refuse_a_range_this_build_cannot_speak()
    {
        PartisanOptions options = TestNodes.Options("bad", o => Speaking(o, new ProtocolVersions(0, 9)));

        var error = Assert.Throws<PartisanConfigurationException>(() => new PartisanNode(options));

        Assert.Contains("ProtocolVersions", error.Message);
    }
}
