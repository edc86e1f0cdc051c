using Partisan.Generated.Tests.Servers;
using Partisan.Generated.Tests.StateMachines;
using Partisan.Tests.Support;

namespace Partisan.Generated.Tests;

/// <summary>Generated servers and state machines started linked and run under a supervisor, called from another node over TCP.</summary>
public class SupervisionTests
{
    [Fact]
    public async Task A_supervised_server_that_crashes_is_back_under_its_name_for_a_remote_caller()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode host = cluster[1];
        Pid supervisor = await Supervisor.StartAsync(host, new SupervisorSpec
        {
            Children = [new ChildSpec("counter", node => Counter.StartAsync(node, "counter"))],
        });
        Pid first = host.WhereIs("counter")!.Value;
        CounterClient counter = Counter.Client(cluster[0], ProcessRef.ForName("counter", host.Name));
        Assert.Equal(3L, await counter.AddAsync(3));

        await Assert.ThrowsAnyAsync<Exception>(() => counter.CrashAsync("on purpose"));
        await Eventually.True(() => host.WhereIs("counter") is { } pid && pid != first, "the supervisor restarted the server under its name");

        Assert.Equal(0L, await counter.GetAsync()); // a fresh server
        Assert.Equal(host.WhereIs("counter"), (await Supervisor.WhichChildrenAsync(host, supervisor))[0].Pid);
    }

    [Fact]
    public async Task A_supervised_state_machine_is_restarted_under_its_name()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await Supervisor.StartAsync(node, new SupervisorSpec
        {
            Children = [new ChildSpec("button", n => PushButton.StartAsync(n, "button"))],
        });
        PushButtonClient button = PushButton.Client(node, ProcessRef.ForName("button", node.Name));
        Assert.Equal(Switch.On, await button.PushAsync());
        Pid first = node.WhereIs("button")!.Value;

        node.Exit(first, new ExitReason("crash"));
        await Eventually.True(() => node.WhereIs("button") is { } pid && pid != first, "the supervisor restarted the machine under its name");

        Assert.Equal(0, await button.GetCountAsync());
    }

    [Fact]
    public async Task A_generated_start_inside_a_LinkedStart_scope_is_linked_and_only_the_first()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid parent = node.Spawn(async ctx => await ctx.ReceiveAsync());
        Pid linked;
        Pid unlinked;
        using (LinkedStart.To(parent))
        {
            linked = await Counter.StartAsync(node);
            unlinked = await PushButton.StartAsync(node);
        }

        Pid afterScope = await Counter.StartAsync(node);
        Task<ExitReason> linkedExited = node.WhenExited(linked);
        Task<ExitReason> parentExited = node.WhenExited(parent);

        node.Exit(parent, new ExitReason("crash"));
        await parentExited; // completes after the parent's exit signals were applied

        Assert.Equal(new ExitReason("crash"), await Eventually.Within(linkedExited, "the linked server exits with its parent"));
        Assert.True(node.IsAlive(unlinked));
        Assert.True(node.IsAlive(afterScope));
    }
}
