using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Cluster;

/// <summary>Links and exit signals between two nodes, over the in-memory transport and over TCP on 127.0.0.1.</summary>
public class LinkClusterTests
{
    private static readonly ExitReason Boom = new("boom", "remote");

    private static TestNodes Nodes(bool inMemory) => new(inMemory ? new InMemoryNetwork() : null);

    private static Pid Waiter(PartisanNode node) => node.Spawn(async ctx => await ctx.ReceiveAsync());

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_remote_crash_kills_the_linked_process_and_a_trapping_one_gets_Exit(bool inMemory)
    {
        await using TestNodes nodes = Nodes(inMemory);
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode a = cluster[0];
        PartisanNode b = cluster[1];
        Pid local = Waiter(a);
        Probe trapper = await Probe.StartTrappingAsync(a);
        Pid remote = Waiter(b);
        a.Link(local, remote);
        a.Link(trapper.Pid, remote);
        await Eventually.True(() => b.Links.LinksOf(remote).Length == 2, "b records both links");
        Task<ExitReason> localExited = a.WhenExited(local);

        b.Exit(remote, Boom);

        Assert.Equal(Boom, await Eventually.Within(localExited, "the linked process exits"));
        Assert.Equal(new Exit(remote, Boom), await trapper.NextAsync<Exit>());
        Assert.Equal(0, a.Links.LinkedProcessCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_local_crash_reaches_the_remote_linked_process(bool inMemory)
    {
        await using TestNodes nodes = Nodes(inMemory);
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode a = cluster[0];
        PartisanNode b = cluster[1];
        Pid local = Waiter(a);
        Pid remote = Waiter(b);
        Task<ExitReason> remoteExited = b.WhenExited(remote);
        a.Link(local, remote);
        await Eventually.True(() => b.Links.LinksOf(remote).Length == 1, "b records the link");

        a.Exit(local, Boom);

        Assert.Equal(Boom, await Eventually.Within(remoteExited, "the remote linked process exits"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Losing_the_node_sends_noconnection_to_linked_processes(bool inMemory)
    {
        await using TestNodes nodes = Nodes(inMemory);
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode a = cluster[0];
        PartisanNode b = cluster[1];
        Probe trapper = await Probe.StartTrappingAsync(a);
        Pid plain = Waiter(a);
        Pid remote = Waiter(b);
        Task<ExitReason> plainExited = a.WhenExited(plain);
        a.Link(trapper.Pid, remote);
        a.Link(plain, remote);
        await Eventually.True(() => b.Links.LinksOf(remote).Length == 2, "b records both links");

        await nodes.StopAsync(b);

        Assert.Equal(new Exit(remote, ExitReason.NoConnection), await trapper.NextAsync<Exit>());
        Assert.Equal(ExitReason.NoConnection, await Eventually.Within(plainExited, "the plain linked process exits"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Linking_to_a_missing_remote_process_gives_noproc_and_to_an_unknown_node_noconnection(bool inMemory)
    {
        await using TestNodes nodes = Nodes(inMemory);
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode a = cluster[0];
        PartisanNode b = cluster[1];
        Probe trapper = await Probe.StartTrappingAsync(a);
        var missing = new Pid(b.Name, 987_654);
        var ghost = new Pid(NodeName.Parse("ghost@127.0.0.1"), 1);

        a.Link(trapper.Pid, missing);
        Assert.Equal(new Exit(missing, ExitReason.NoProc), await trapper.NextAsync<Exit>());
        a.Link(trapper.Pid, ghost);
        Assert.Equal(new Exit(ghost, ExitReason.NoConnection), await trapper.NextAsync<Exit>());
        Assert.Equal(0, a.Links.LinkedProcessCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Remote_exit_is_trapped_except_kill_and_unlink_stops_signals(bool inMemory)
    {
        await using TestNodes nodes = Nodes(inMemory);
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode a = cluster[0];
        PartisanNode b = cluster[1];
        Pid sender = Waiter(a);
        Probe trapper = await Probe.StartTrappingAsync(b);
        Probe unlinked = await Probe.StartTrappingAsync(b);
        Task<ExitReason> trapperExited = b.WhenExited(trapper.Pid);
        a.Link(sender, unlinked.Pid);
        await Eventually.True(() => b.Links.LinksOf(unlinked.Pid).Length == 1, "b records the link");
        a.Unlink(sender, unlinked.Pid);
        await Eventually.True(() => b.Links.LinkedProcessCount == 0, "b drops the link");

        a.Exit(sender, trapper.Pid, ExitReason.Shutdown);
        Assert.Equal(new Exit(sender, ExitReason.Shutdown), await trapper.NextAsync<Exit>());
        a.Exit(sender, trapper.Pid, ExitReason.Kill);
        Assert.Equal(ExitReason.Killed, await Eventually.Within(trapperExited, "the trapper is killed"));
        a.Exit(sender, new Pid(b.Name, 987_654), Boom); // unknown on b: dropped there

        // Had the link survived, its Exit would come before the marker: signals and messages to a process share its queue.
        Task<ExitReason> senderExited = a.WhenExited(sender);
        a.Exit(sender, sender, Boom);
        Assert.Equal(Boom, await senderExited);
        a.Send(unlinked.Pid, "marker");
        Assert.Equal("marker", await unlinked.NextAsync());
    }
}
