using Partisan.Tests.Support;

namespace Partisan.Tests.Processes;

/// <summary>Links and exit signals between processes of one node.</summary>
public class LinkTests
{
    private static readonly ExitReason Boom = new("boom", "test");

    private static Pid Waiter(PartisanNode node) => node.Spawn(async ctx => await ctx.ReceiveAsync());

    [Fact]
    public async Task A_crash_kills_the_linked_process_with_the_same_reason_both_ways()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid a = Waiter(node);
        Pid b = Waiter(node);
        Pid c = Waiter(node);
        Pid d = Waiter(node);
        node.Link(a, b);
        node.Link(d, c);
        Task<ExitReason> aExited = node.WhenExited(a);
        Task<ExitReason> cExited = node.WhenExited(c);

        node.Exit(b, Boom);
        node.Exit(d, Boom);

        Assert.Equal(Boom, await Eventually.Within(aExited, "the linked process exits"));
        Assert.Equal(Boom, await Eventually.Within(cExited, "the linking process's partner exits"));
        Assert.Equal(0, node.Links.LinkedProcessCount);
    }

    [Fact]
    public async Task Exit_signals_propagate_along_a_chain_of_links()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid first = Waiter(node);
        Pid middle = Waiter(node);
        Pid last = Waiter(node);
        node.Link(first, middle);
        node.Link(middle, last);
        Task<ExitReason> middleExited = node.WhenExited(middle);
        Task<ExitReason> firstExited = node.WhenExited(first);

        node.Exit(last, Boom);

        Assert.Equal(Boom, await Eventually.Within(middleExited, "the middle exits"));
        Assert.Equal(Boom, await Eventually.Within(firstExited, "the first exits"));
    }

    [Fact]
    public async Task A_normal_exit_does_not_kill_the_linked_process()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid survivor = Waiter(node);
        var release = new TaskCompletionSource();
        Pid finisher = node.Spawn(async _ => await release.Task);
        node.Link(survivor, finisher);

        release.SetResult();

        Assert.Equal(ExitReason.Normal, await Eventually.Within(node.WhenExited(finisher), "the finisher exits"));
        Assert.True(node.IsAlive(survivor)); // the signal is applied before WhenExited completes
        Assert.Empty(node.Links.LinksOf(survivor));
    }

    [Fact]
    public async Task A_process_trapping_exits_gets_an_Exit_message_for_a_crash_and_for_a_normal_exit()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Probe trapper = await Probe.StartTrappingAsync(node);
        Pid crasher = node.SpawnLink(trapper.Pid, async ctx =>
        {
            await ctx.ReceiveAsync();
            throw new InvalidOperationException("boom");
        });
        Pid finisher = node.SpawnLink(trapper.Pid, async ctx => await ctx.ReceiveAsync());

        node.Send(crasher, "go");
        Exit crashed = await trapper.NextAsync<Exit>();
        node.Send(finisher, "go");
        Exit finished = await trapper.NextAsync<Exit>();

        Assert.Equal(crasher, crashed.From);
        Assert.Equal("error", crashed.Reason.Kind);
        Assert.Contains("boom", crashed.Reason.Detail);
        Assert.Equal(new Exit(finisher, ExitReason.Normal), finished);
        Assert.True(node.IsAlive(trapper.Pid));
    }

    [Fact]
    public async Task Kill_sent_with_exit_is_untrappable_and_other_reasons_are_trapped()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Probe trapper = await Probe.StartTrappingAsync(node);
        Probe linkedToTrapper = await Probe.StartTrappingAsync(node);
        node.Link(linkedToTrapper.Pid, trapper.Pid);
        Pid sender = Waiter(node);

        node.Exit(sender, trapper.Pid, ExitReason.Shutdown);
        Assert.Equal(new Exit(sender, ExitReason.Shutdown), await trapper.NextAsync<Exit>());
        Assert.True(node.IsAlive(trapper.Pid));

        Task<ExitReason> trapperExited = node.WhenExited(trapper.Pid);
        node.Exit(sender, trapper.Pid, ExitReason.Kill);
        Assert.Equal(ExitReason.Killed, await Eventually.Within(trapperExited, "the trapper is killed"));

        // Its link partner hears "killed", an ordinary reason.
        Assert.Equal(new Exit(trapper.Pid, ExitReason.Killed), await linkedToTrapper.NextAsync<Exit>());
    }

    [Fact]
    public async Task Exit_with_normal_is_ignored_by_another_process_and_ends_the_sender_itself()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid target = Waiter(node);
        Pid sender = Waiter(node);
        Task<ExitReason> senderExited = node.WhenExited(sender);

        node.Exit(sender, target, ExitReason.Normal);
        node.Exit(sender, sender, ExitReason.Normal);

        Assert.Equal(ExitReason.Normal, await Eventually.Within(senderExited, "the sender exits"));
        Assert.True(node.IsAlive(target));
    }

    [Fact]
    public async Task Linking_to_a_dead_process_sends_noproc_at_once()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid dead = node.Spawn(_ => Task.CompletedTask);
        await node.WhenExited(dead);
        Probe trapper = await Probe.StartTrappingAsync(node);
        Pid plain = Waiter(node);
        Task<ExitReason> plainExited = node.WhenExited(plain);

        node.Link(trapper.Pid, dead);
        node.Link(plain, dead);

        Assert.Equal(new Exit(dead, ExitReason.NoProc), await trapper.NextAsync<Exit>());
        Assert.Equal(new ExitReason("noproc"), await Eventually.Within(plainExited, "the plain process exits"));
        Assert.False(node.IsAlive(plain));
    }

    [Fact]
    public async Task After_unlink_an_exit_is_not_signalled()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid a = Waiter(node);
        Pid b = Waiter(node);
        node.Link(a, b);
        node.Unlink(b, a);
        Task<ExitReason> bExited = node.WhenExited(b);

        node.Exit(b, Boom);

        Assert.Equal(Boom, await bExited);
        Assert.True(node.IsAlive(a));
        Assert.Equal(0, node.Links.LinkedProcessCount);
    }

    [Fact]
    public async Task A_spawn_linked_child_dies_with_its_parent_and_a_child_of_a_dead_parent_gets_noproc()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid parent = Waiter(node);
        Pid child = node.SpawnLink(parent, async ctx => await ctx.ReceiveAsync());
        Task<ExitReason> childExited = node.WhenExited(child);

        node.Exit(parent, Boom);

        Assert.Equal(Boom, await Eventually.Within(childExited, "the child exits"));
        var orphanRan = false;
        Pid orphan = node.SpawnLink(parent, ctx =>
        {
            orphanRan = !ctx.Stopping.IsCancellationRequested;
            return Task.CompletedTask;
        });
        Assert.False(node.IsAlive(orphan)); // the noproc signal ended it inside SpawnLink
        Assert.False(orphanRan);
    }

    [Fact]
    public async Task Exit_signals_for_unknown_pids_and_links_to_oneself_are_harmless()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid self = Waiter(node);

        node.Exit(self, new Pid(node.Name, 987_654), Boom);
        node.Exit(self, ProcessRef.ForName("nobody", node.Name), Boom);
        node.Link(self, self);
        node.Unlink(self, new Pid(node.Name, 987_655));

        Assert.True(node.IsAlive(self));
        Assert.Equal(0, node.Links.LinkedProcessCount);
        Assert.Throws<ArgumentException>(() => node.Link(new Pid(NodeName.Parse("other@127.0.0.1"), 1), self));
    }

    [Fact]
    public async Task A_crash_propagates_along_a_long_chain_of_links_without_exhausting_the_stack()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var chain = new Pid[20_000];
        chain[0] = Waiter(node);
        for (int i = 1; i < chain.Length; i++)
        {
            chain[i] = Waiter(node);
            node.Link(chain[i - 1], chain[i]);
        }

        Task<ExitReason> lastExited = node.WhenExited(chain[^1]);

        node.Exit(chain[0], Boom);

        Assert.Equal(Boom, await Eventually.Within(lastExited, "the last process of the chain exits"));
        Assert.All(chain, pid => Assert.False(node.IsAlive(pid)));
    }
}
