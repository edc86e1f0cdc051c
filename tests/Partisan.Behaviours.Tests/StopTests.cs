using Partisan.Tests.Support;

namespace Partisan.Behaviours.Tests;

/// <summary>
/// Issue 10: <c>StopAsync</c> returns only once the process has exited, as OTP's <c>gen_server:stop</c> does: the pid
/// is dead, its name is free and a new start under that name succeeds. Each test runs many stop/start rounds, because
/// the bug was a race (the reply was sent from the server's body, before the node's exit clean-up).
/// </summary>
public class StopTests
{
    private const int Rounds = 2000;
    private const int RemoteRounds = 200;

    /// <summary>A server with no behaviour of its own.</summary>
    private sealed class Idle : GenServer
    {
    }

    /// <summary>A server whose terminate awaits (work that lets other code run before the body ends).</summary>
    private sealed class SlowTerminate : GenServer
    {
        public override async ValueTask TerminateAsync(ExitReason reason, GenServerContext context)
        {
            for (int i = 0; i < 3; i++)
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>
    /// A server that does work when its process's <see cref="ProcessContext.Stopping"/> token is cancelled: the node
    /// runs those callbacks inside its exit, before the name is released.
    /// </summary>
    private sealed class WorksWhenStopping : GenServer
    {
        public override ValueTask InitAsync(GenServerContext context)
        {
            context.Process.Stopping.Register(static () => Thread.SpinWait(20_000));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A server whose terminate throws, so it exits with an error instead of the reason asked for.</summary>
    private sealed class CrashingTerminate : GenServer
    {
        public override async ValueTask TerminateAsync(ExitReason reason, GenServerContext context)
        {
            await Task.Yield();
            throw new InvalidOperationException("terminate failed on purpose");
        }
    }

    /// <summary>A machine that only waits to be stopped.</summary>
    private sealed class IdleMachine : IGenStatem<int, int>
    {
        public bool StateEnter => false;

        public ValueTask<Transition<int, int>> InitAsync(GenStatemContext context) => ValueTask.FromResult(Transition<int, int>.Next(0, 0));

        public ValueTask<Transition<int, int>> HandleEventAsync(StatemEvent @event, int state, int data, GenStatemContext context) =>
            ValueTask.FromResult(Transition<int, int>.KeepStateAndData);

        public async ValueTask TerminateAsync(ExitReason reason, int state, int data, GenStatemContext context) => await Task.Yield();
    }

    /// <summary>
    /// Starts under <paramref name="name"/> on <paramref name="host"/>, stops (from wherever <paramref name="stop"/>
    /// calls), and checks right after the stop returned that the process is gone from <paramref name="host"/>. Returns
    /// what went wrong, one line per problem; a refused start waits for the old process's exit and starts again, so one
    /// early return is counted once and the rounds go on.
    /// </summary>
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
                await Eventually.Within(host.WhenExited(previous), "the previous server exits");
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

        await Eventually.Within(host.WhenExited(previous), "the last server exits");
        return problems;
    }

    private static void AssertNoProblems(List<string> problems, int rounds) =>
        Assert.True(problems.Count == 0, $"{problems.Count} problems in {rounds} rounds:\n" + string.Join('\n', problems.Take(20)));

    [Fact]
    public async Task GenServer_StopAsync_returns_after_the_server_is_dead_and_its_name_is_free()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        List<string> problems = await StopStartRoundsAsync(node, "idle", Rounds,
            name => GenServer.StartAsync(node, () => new Idle(), name),
            target => GenServer.StopAsync(node, target));

        AssertNoProblems(problems, Rounds);
    }

    [Fact]
    public async Task GenServer_StopAsync_with_a_reason_returns_after_the_server_exited_with_that_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var reason = new ExitReason("maintenance");
        Task<ExitReason> exited = Task.FromResult(ExitReason.NoProc);
        int early = 0;

        List<string> problems = await StopStartRoundsAsync(node, "maintained", Rounds,
            async name =>
            {
                Pid pid = await GenServer.StartAsync(node, () => new SlowTerminate(), name);
                exited = node.WhenExited(pid);
                return pid;
            },
            async target =>
            {
                await GenServer.StopAsync(node, target, reason);
                early += exited.IsCompleted ? 0 : 1;
                Assert.Equal(reason, await exited);
            });

        AssertNoProblems(problems, Rounds);
        Assert.Equal(0, early);
    }

    [Fact]
    public async Task GenServer_StopAsync_waits_for_a_terminate_that_awaits()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        List<string> problems = await StopStartRoundsAsync(node, "slow", Rounds,
            name => GenServer.StartAsync(node, () => new SlowTerminate(), name),
            target => GenServer.StopAsync(node, target));

        AssertNoProblems(problems, Rounds);
    }

    [Fact]
    public async Task GenServer_StopAsync_waits_for_work_done_when_the_process_is_stopping()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        List<string> problems = await StopStartRoundsAsync(node, "stopping", Rounds / 4,
            name => GenServer.StartAsync(node, () => new WorksWhenStopping(), name),
            target => GenServer.StopAsync(node, target, new ExitReason("maintenance")));
        problems.AddRange(await StopStartRoundsAsync(node, "stopping", Rounds / 4,
            name => GenServer.StartAsync(node, () => new WorksWhenStopping(), name),
            target => GenServer.StopAsync(node, target)));

        AssertNoProblems(problems, Rounds / 2);
    }

    [Fact]
    public async Task GenServer_StopAsync_of_a_server_whose_terminate_throws_fails_with_its_error_after_it_is_dead()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var errors = new List<CalleeDownException>();

        List<string> problems = await StopStartRoundsAsync(node, "crashing", Rounds / 4,
            name => GenServer.StartAsync(node, () => new CrashingTerminate(), name),
            async target => errors.Add(await Assert.ThrowsAsync<CalleeDownException>(() => GenServer.StopAsync(node, target))));

        AssertNoProblems(problems, Rounds / 4);
        Assert.All(errors, error =>
        {
            Assert.Equal("error", error.Reason.Kind);
            Assert.Contains("terminate failed on purpose", error.Reason.Detail);
        });
    }

    /// <summary>A server that, once its exit has begun (its mailbox is closed), is sent a second stop.</summary>
    private sealed class StoppedTwice : GenServer
    {
        /// <summary>What the second stop saw when it completed: its error, and whether the server was still there.</summary>
        public TaskCompletionSource<Task<(Exception? Error, bool Alive, Pid? Holder)>> SecondStop { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask InitAsync(GenServerContext context)
        {
            PartisanNode node = context.Node;
            Pid self = context.Self;
            context.Process.Stopping.Register(() => SecondStop.TrySetResult(GenServer.StopAsync(node, ProcessRef.ForName("twice", node.Name)).ContinueWith(
                stop => (stop.Exception?.InnerException, node.IsAlive(self), node.WhereIs("twice")),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default)));
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_stop_that_reaches_a_server_already_exiting_fails_with_noproc_only_after_it_is_gone()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var problems = new List<string>();

        for (int round = 0; round < 50; round++)
        {
            var server = new StoppedTwice();
            Pid pid = await GenServer.StartAsync(node, () => server, "twice");
            await GenServer.StopAsync(node, pid);
            (Exception? error, bool alive, Pid? holder) = await await server.SecondStop.Task;

            if (error is not CalleeDownException { Reason.Kind: "noproc" })
            {
                problems.Add($"round {round}: the second stop ended with {error?.ToString() ?? "success"}, not noproc");
            }

            if (alive || holder is not null)
            {
                problems.Add($"round {round}: the second stop failed while {pid} was alive: {alive}, registered: {holder}");
            }
        }

        AssertNoProblems(problems, 50);
    }

    [Fact]
    public async Task GenStatem_StopAsync_returns_after_the_machine_is_dead_and_its_name_is_free()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        List<string> problems = await StopStartRoundsAsync(node, "machine", Rounds,
            name => Partisan.GenStatem.StartAsync(node, () => new IdleMachine(), name),
            target => Partisan.GenStatem.StopAsync(node, target));
        problems.AddRange(await StopStartRoundsAsync(node, "machine", Rounds / 4,
            name => Partisan.GenStatem.StartAsync(node, () => new IdleMachine(), name),
            target => Partisan.GenStatem.StopAsync(node, target, new ExitReason("maintenance"))));

        AssertNoProblems(problems, Rounds + (Rounds / 4));
    }

    [Fact]
    public async Task A_remote_StopAsync_returns_after_the_server_is_dead_and_its_name_is_free_on_its_node()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        PartisanNode client = cluster[0];
        PartisanNode host = cluster[1];

        List<string> problems = await StopStartRoundsAsync(host, "remote", RemoteRounds,
            name => GenServer.StartAsync(host, () => new SlowTerminate(), name),
            target => GenServer.StopAsync(client, target));
        problems.AddRange(await StopStartRoundsAsync(host, "remote", RemoteRounds,
            name => Partisan.GenStatem.StartAsync(host, () => new IdleMachine(), name),
            target => Partisan.GenStatem.StopAsync(client, target, new ExitReason("maintenance"))));

        AssertNoProblems(problems, 2 * RemoteRounds);
    }
}
