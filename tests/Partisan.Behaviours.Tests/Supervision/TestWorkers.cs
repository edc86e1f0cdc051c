using System.Collections.Concurrent;

namespace Partisan.Behaviours.Tests.Supervision;

/// <summary>
/// Child specs of plain worker processes that record what happens to them, in order: "start id" when started,
/// "stop id" when asked to stop (they trap exits, so the record is made before they exit), "ignore id" when they ignore
/// a shutdown (to test the kill after the shutdown timeout).
/// </summary>
internal sealed class TestWorkers
{
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyList<string> Events => _events.ToArray();

    public void Clear() => _events.Clear();

    public ChildSpec Spec(string id, RestartType restart = RestartType.Permanent, bool ignoresShutdown = false, ChildShutdown? shutdown = null) =>
        new(id, node => StartAsync(node, id, ignoresShutdown)) { Restart = restart, Shutdown = shutdown };

    private async Task<Pid> StartAsync(PartisanNode node, string id, bool ignoresShutdown)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid pid = node.Spawn(async ctx =>
        {
            ctx.TrapExit = true;
            ready.SetResult();
            while (true)
            {
                object message = await ctx.ReceiveAsync();
                switch (message)
                {
                    case Exit { Reason.Kind: "shutdown" } when ignoresShutdown:
                        _events.Enqueue("ignore " + id);
                        break;
                    case Exit exit:
                        _events.Enqueue("stop " + id);
                        ctx.Exit(exit.Reason);
                        break;
                    case "finish":
                        return;
                }
            }
        });
        await ready.Task;
        _events.Enqueue("start " + id);
        return pid;
    }
}
