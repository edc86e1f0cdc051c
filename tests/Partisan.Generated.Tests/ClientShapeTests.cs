using Partisan.Generated.Tests.Servers;
using Partisan.Generated.Tests.StateMachines;
using Partisan.Tests.Support;
using Cluster = Partisan.Generated.Tests.Support.Cluster;

namespace Partisan.Generated.Tests;

/// <summary>The generated server and state-machine clients have one shape: <see cref="ProcessClient"/> plus typed methods.</summary>
public class ClientShapeTests
{
    [Fact]
    public async Task A_state_machine_client_is_made_from_a_remote_reference_with_forward_options_like_a_server_client()
    {
        await using var cluster = new Cluster();
        PartisanNode[] nodes = await cluster.StartAsync(2);
        await CodeLock.StartAsync(nodes[1], () => new CodeLock("1234", new EventLog()), "shaped_lock");
        await Counter.StartAsync(nodes[1], name: "shaped_counter");
        var options = new ForwardOptions { PartitionKey = "door" };

        CodeLockClient door = CodeLock.Client(nodes[0], RemoteRef.FromName("shaped_lock", nodes[1].Name), options);
        CounterClient counter = Counter.Client(nodes[0], RemoteRef.FromName("shaped_counter", nodes[1].Name), options);

        foreach (ProcessClient client in new ProcessClient[] { door, counter })
        {
            Assert.Same(nodes[0], client.Node);
            Assert.Equal(nodes[1].Name, client.Target.Node);
            Assert.Equal(options, client.Options);
        }

        foreach (char digit in "1234")
        {
            Assert.True(door.Button(digit));
        }

        Assert.Equal("Open", await door.CurrentStateAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, await counter.AddAsync(3));
    }

    [Fact]
    public async Task Code_outside_a_process_awaits_a_generated_server_stopping()
    {
        await using var cluster = new Cluster();
        PartisanNode[] nodes = await cluster.StartAsync(2);
        await Counter.StartAsync(nodes[1], name: "watched_counter");
        CounterClient counter = Counter.Client(nodes[0], ProcessRef.ForName("watched_counter", nodes[1].Name));

        Task<Down> down = counter.MonitorAsync();
        await counter.StopAsync(ExitReason.Shutdown);

        Assert.Equal(ExitReason.Shutdown, (await Eventually.Within(down, "the Down arrives")).Reason);
    }
}
