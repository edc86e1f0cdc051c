using Partisan.Generated.Tests.Servers;
using Partisan.Generated.Tests.StateMachines;
using Partisan.Tests.Support;

namespace Partisan.Generated.Tests;

/// <summary>A generated server whose terminate awaits and does work when its process is stopping (issue 10).</summary>
[PartisanServer]
public partial class Lingerer
{
    [Init]
    private void Init(GenServerContext context) =>
        context.Process.Stopping.Register(static () => Thread.SpinWait(20_000));

    [Call]
    public int Ping() => 1;

    [Terminate]
    private async Task TerminateAsync()
    {
        for (int i = 0; i < 3; i++)
        {
            await Task.Yield();
        }
    }
}

/// <summary>
/// Issue 10 for generated clients: <c>StopAsync</c> returns once the server or machine has exited (dead pid, free name),
/// so starting again under the same name right away succeeds, locally and across nodes.
/// </summary>
public class StopTests
{
    private const int Rounds = 2000;
    private const int RemoteRounds = 200;

    /// <summary>Start under <paramref name="name"/> on <paramref name="host"/>, stop through the client, check, repeat; returns the problems seen.</summary>
    private static async Task<List<string>> StopStartRoundsAsync(PartisanNode host, string name, int rounds, Func<string, Task<Pid>> start, Func<ProcessRef, Task> stop)
    {
        var problems = new List<string>();
        var target = ProcessRef.ForName(name, host.Name);
        Pid previous = default;
        for (int round = 0; round < rounds; round++)
        {
            Pid pid;
            try
            {
                pid = await start(name);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"round {round}: the start was refused ({ex.Message})");
                await Eventually.Within(host.WhenExited(previous), "the previous process exits");
                await Eventually.True(() => host.WhereIs(name) is null, "the name is free");
                pid = await start(name);
            }

            await stop(target);
            if (host.IsAlive(pid))
            {
                problems.Add($"round {round}: {pid} is alive after StopAsync returned");
            }

            if (host.WhereIs(name) is { } holder)
            {
                problems.Add($"round {round}: '{name}' is still registered to {holder} after StopAsync returned");
            }

            previous = pid;
        }

        await Eventually.Within(host.WhenExited(previous), "the last process exits");
        return problems;
    }

    private static void AssertNoProblems(List<string> problems, int rounds) =>
        Assert.True(problems.Count == 0, $"{problems.Count} problems in {rounds} rounds:\n" + string.Join('\n', problems.Take(20)));

    [Fact]
    public async Task A_server_client_StopAsync_returns_after_the_server_is_dead_and_its_name_is_free()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        List<string> problems = await StopStartRoundsAsync(node, "counter", Rounds,
            name => Counter.StartAsync(node, name),
            target => Counter.Client(node, target).StopAsync());
        problems.AddRange(await StopStartRoundsAsync(node, "lingerer", Rounds / 4,
            name => Lingerer.StartAsync(node, name),
            target => Lingerer.Client(node, target).StopAsync(new ExitReason("maintenance"))));

        AssertNoProblems(problems, Rounds + (Rounds / 4));
    }

    [Fact]
    public async Task A_state_machine_client_StopAsync_returns_after_the_machine_is_dead_and_its_name_is_free()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        List<string> problems = await StopStartRoundsAsync(node, "pushbutton", Rounds,
            name => PushButton.StartAsync(node, name),
            target => PushButton.Client(node, target).StopAsync());
        problems.AddRange(await StopStartRoundsAsync(node, "pushbutton", Rounds / 4,
            name => PushButton.StartAsync(node, name),
            target => PushButton.Client(node, target).StopAsync(new ExitReason("maintenance"))));

        AssertNoProblems(problems, Rounds + (Rounds / 4));
    }

    [Fact]
    public async Task A_remote_client_StopAsync_returns_after_the_process_is_dead_and_its_name_is_free_on_its_node()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode client = cluster[0];
        PartisanNode host = cluster[1];

        List<string> problems = await StopStartRoundsAsync(host, "lingerer", RemoteRounds,
            name => Lingerer.StartAsync(host, name),
            target => Lingerer.Client(client, target).StopAsync());
        problems.AddRange(await StopStartRoundsAsync(host, "pushbutton", RemoteRounds,
            name => PushButton.StartAsync(host, name),
            target => PushButton.Client(client, target).StopAsync(new ExitReason("maintenance"))));

        AssertNoProblems(problems, 2 * RemoteRounds);
    }
}
