using Partisan.Tests.Support;

namespace Partisan.Tests.Processes;

/// <summary>Many idle processes on one node (issue 15): what a spawn costs, that they all stay alive, and the lazily made parts of a process.</summary>
public class IdleProcessTests
{
    private static readonly AsyncLocal<string?> SpawnerValue = new();

    [Fact]
    public async Task A_hundred_thousand_idle_processes_all_answer()
    {
        const int Count = 100_000;
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        int answered = 0;
        Func<ProcessContext, Task> body = async ctx =>
        {
            while (true)
            {
                if (await ctx.ReceiveAsync() is Pid)
                {
                    Interlocked.Increment(ref answered);
                }
            }
        };

        var pids = new Pid[Count];
        for (int i = 0; i < Count; i++)
        {
            pids[i] = node.Spawn(body);
        }

        foreach (Pid pid in pids)
        {
            Assert.True(node.Send(pid, pid));
        }

        await Eventually.True(() => Volatile.Read(ref answered) == Count, "every process answers");
        Assert.True(node.IsAlive(pids[0]));
        Assert.True(node.IsAlive(pids[^1]));
    }

    [Fact]
    public async Task Spawning_an_idle_process_allocates_little_on_the_spawning_thread()
    {
        const int Count = 10_000;
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Func<ProcessContext, Task> body = static ctx => ctx.ReceiveAsync().AsTask();
        var pids = new Pid[Count];
        node.Spawn(body); // the first spawn's one-time costs are not what is measured

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Count; i++)
        {
            pids[i] = node.Spawn(body);
        }

        long perSpawn = (GC.GetAllocatedBytesForCurrentThread() - before) / Count;

        // The process, its mailbox, its context and its slot in the process table (with the table's growth). It was
        // about 1.9 KB with a channel as the mailbox, a token source, an exit task and a Task.Run closure per process.
        Assert.True(perSpawn <= 640, $"a spawn allocated {perSpawn} bytes on the spawning thread");
    }

    [Fact]
    public async Task Stopping_is_cancelled_even_when_first_asked_for_after_the_exit_began()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid pid = node.Spawn(async ctx =>
        {
            try
            {
                await ctx.ReceiveAsync();
            }
            finally
            {
                seen.TrySetResult(ctx.Stopping.IsCancellationRequested);
            }
        });
        Task<ExitReason> exited = node.WhenExited(pid);

        node.Exit(pid, new ExitReason("told"));

        Assert.True(await Eventually.Within(seen.Task, "the process sees its stop token"));
        Assert.Equal(new ExitReason("told"), await Eventually.Within(exited, "the exit"));
    }

    [Fact]
    public async Task Exited_asked_for_before_and_after_the_exit_completes_with_the_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        Pid pid = node.Spawn(async ctx => await ctx.ReceiveAsync());
        Task<ExitReason> before = node.WhenExited(pid);

        node.Exit(pid, new ExitReason("done"));

        Assert.Equal(new ExitReason("done"), await Eventually.Within(before, "the exit"));
        Assert.Equal(ExitReason.NoProc, await node.WhenExited(pid));
    }

    [Fact]
    public async Task A_receive_with_a_token_is_cancelled_by_it_and_keeps_a_later_message()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        using var cancel = new CancellationTokenSource();
        var outcome = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid pid = node.Spawn(async ctx =>
        {
            try
            {
                await ctx.ReceiveAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                outcome.TrySetResult(await ctx.ReceiveAsync());
            }
        });
        await Eventually.True(() => node.Processes().Count > 0, "the process waits");

        cancel.Cancel();
        node.Send(pid, "after");

        Assert.Equal("after", await Eventually.Within(outcome.Task, "the message after the cancelled wait"));
    }

    [Fact]
    public async Task A_process_does_not_inherit_its_spawners_async_locals_and_knows_itself()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var seen = new TaskCompletionSource<(string?, Pid, Pid)>(TaskCreationOptions.RunContinuationsAsynchronously);
        SpawnerValue.Value = "spawner's";
        Pid pid = node.Spawn(async ctx =>
        {
            await Task.Yield();
            seen.TrySetResult((SpawnerValue.Value, node.Self, ctx.Self));
        });
        SpawnerValue.Value = null;

        (string? value, Pid self, Pid contextSelf) = await Eventually.Within(seen.Task, "the process reports");
        Assert.Null(value);
        Assert.Equal(pid, self);
        Assert.Equal(pid, contextSelf);
    }
}
