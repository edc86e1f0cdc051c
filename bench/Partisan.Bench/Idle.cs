using System.Diagnostics;
using Partisan.Transport;

namespace Partisan.Bench;

/// <summary>
/// The idle scenario (issue 15): memory per idle process on one node (Erlang: about 2.7 KiB a process). For each kind
/// (plain processes blocked in receive, generated gen_servers, generated gen_statems) it spawns N, waits until all are
/// idle, and divides the growth of the managed heap (after full collections) by N; then checks they are alive: every
/// plain process counts a message, every server counts a cast, and a sample of servers and machines (all of them up to
/// 100,000) answers a call. Then it stops them all before the next kind.
/// </summary>
internal static class Idle
{
    private const int Batch = 1000;
    private const int MaxCalls = 100_000;

    private static readonly Func<ProcessContext, Task> Body = IdleAsync;
    private static int s_started;
    private static int s_answered;

    public static async Task<List<Dictionary<string, object>>> RunAsync(int count, TimeSpan limit)
    {
        string[] kinds = ["process", "gen_server", "gen_statem"];
        foreach (string kind in kinds)
        {
            await OnNewNodeAsync(node => MeasureAsync(node, kind, Math.Min(count, 2000), limit)); // warm-up (JIT, pools), not reported
        }

        var results = new List<Dictionary<string, object>>();
        foreach (string kind in kinds)
        {
            results.Add(await OnNewNodeAsync(node => MeasureAsync(node, kind, count, limit)));
        }

        return results;
    }

    // Each kind on a node of its own, so each pays for its own process table.
    private static async Task<Dictionary<string, object>> OnNewNodeAsync(Func<PartisanNode, Task<Dictionary<string, object>>> measure)
    {
        var options = new PartisanOptions { NodeName = "idle@127.0.0.1", ClusterSecret = Session.Secret, Transport = new InMemoryTransport(new InMemoryNetwork()) };
        options.ListenAddresses.Add("127.0.0.1:0");
        Dictionary<string, object> result;
        await using (PartisanNode node = await PartisanNode.StartAsync(options))
        {
            result = await measure(node);
        }

        await SettleAsync();
        return result;
    }

    /// <summary>Waits until the thread pool has run everything queued (the stopped processes' last steps), so they are garbage.</summary>
    private static async Task SettleAsync()
    {
        long completed = ThreadPool.CompletedWorkItemCount;
        while (true)
        {
            await Task.Delay(50);
            long now = ThreadPool.CompletedWorkItemCount;
            if (ThreadPool.PendingWorkItemCount == 0 && now - completed <= 10) // this wait's own timer is a work item or two
            {
                return;
            }

            completed = now;
        }
    }

    private static async Task<Dictionary<string, object>> MeasureAsync(PartisanNode node, string kind, int count, TimeSpan limit)
    {
        var pids = new Pid[count];
        await SettleAsync();
        long heapBefore = Heap(out long sizeBefore);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await SpawnAsync(node, kind, pids, limit);
        double spawnSeconds = clock.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await SettleAsync();
        long heapIdle = Heap(out long sizeIdle);

        clock.Restart();
        (int answered, int called) = await CheckAsync(node, kind, pids, limit);
        double checkSeconds = clock.Elapsed.TotalSeconds;
        await SettleAsync();
        long heapAnswered = Heap(out _);

        clock.Restart();
        await StopAsync(node, pids);
        double stopSeconds = clock.Elapsed.TotalSeconds;
        return new Dictionary<string, object>
        {
            ["bench"] = "idle",
            ["case"] = kind,
            ["n"] = count,
            ["bytes_per_process"] = (double)(heapIdle - heapBefore) / count,
            ["heap_size_bytes_per_process"] = (double)(sizeIdle - sizeBefore) / count,
            ["bytes_per_process_after_answer"] = (double)(heapAnswered - heapBefore) / count,
            ["allocated_bytes_per_spawn"] = (double)allocated / count,
            ["heap_mib"] = Math.Round(heapIdle / 1048576.0, 1),
            ["working_set_mib"] = Math.Round(Environment.WorkingSet / 1048576.0, 1),
            ["spawn_s"] = Math.Round(spawnSeconds, 3),
            ["spawns_per_s"] = Math.Round(count / spawnSeconds),
            ["answered"] = answered,
            ["called"] = called,
            ["check_s"] = Math.Round(checkSeconds, 3),
            ["stop_s"] = Math.Round(stopSeconds, 3),
        };
    }

    private static async Task SpawnAsync(PartisanNode node, string kind, Pid[] pids, TimeSpan limit)
    {
        switch (kind)
        {
            case "process":
                int started = Volatile.Read(ref s_started);
                for (int i = 0; i < pids.Length; i++)
                {
                    pids[i] = node.Spawn(Body);
                }

                await WaitForAsync(() => Volatile.Read(ref s_started) - started >= pids.Length, limit, "processes started");
                break;
            case "gen_server":
                await StartInBatchesAsync(pids, () => IdleServer.StartAsync(node));
                break;
            default:
                await StartInBatchesAsync(pids, () => IdleMachine.StartAsync(node));
                break;
        }
    }

    // Batches, so the start tasks are garbage by the time the heap is measured.
    private static async Task StartInBatchesAsync(Pid[] pids, Func<Task<Pid>> start)
    {
        var batch = new Task<Pid>[Batch];
        for (int first = 0; first < pids.Length; first += Batch)
        {
            int n = Math.Min(Batch, pids.Length - first);
            for (int i = 0; i < n; i++)
            {
                batch[i] = start();
            }

            for (int i = 0; i < n; i++)
            {
                pids[first + i] = await batch[i];
                batch[i] = null!;
            }
        }
    }

    private static async Task<(int Answered, int Called)> CheckAsync(PartisanNode node, string kind, Pid[] pids, TimeSpan limit)
    {
        int answered = 0;
        if (kind == "process")
        {
            int before = Volatile.Read(ref s_answered);
            foreach (Pid pid in pids)
            {
                node.Send(pid, IdlePing.Instance);
            }

            await WaitForAsync(() => Volatile.Read(ref s_answered) - before >= pids.Length, limit, "processes answered");
            return (Volatile.Read(ref s_answered) - before, 0);
        }

        if (kind == "gen_server")
        {
            int before = IdleServer.Casts;
            foreach (Pid pid in pids)
            {
                IdleServer.Client(node, pid).Poke();
            }

            await WaitForAsync(() => IdleServer.Casts - before >= pids.Length, limit, "servers answered casts");
            answered = IdleServer.Casts - before;
        }

        int step = Math.Max(1, pids.Length / MaxCalls);
        var calls = new List<Task<int>>(Batch);
        int called = 0;
        for (int i = 0; i < pids.Length; i += step)
        {
            calls.Add(kind == "gen_server" ? IdleServer.Client(node, pids[i]).PingAsync(i) : IdleMachine.Client(node, pids[i]).PingAsync(i));
            if (calls.Count == Batch || i + step >= pids.Length)
            {
                foreach (Task<int> call in calls)
                {
                    await call;
                    called++;
                }

                calls.Clear();
            }
        }

        return (kind == "gen_server" ? answered : called, called);
    }

    private static async Task StopAsync(PartisanNode node, Pid[] pids)
    {
        foreach (Pid pid in pids)
        {
            node.Exit(pid, ExitReason.Shutdown);
        }

        foreach (Pid pid in pids)
        {
            await node.WhenExited(pid);
        }
    }

    private static async Task WaitForAsync(Func<bool> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"idle: not all {what} within {limit}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>The managed heap after full collections, and the GC's heap size (with fragmentation).</summary>
    private static long Heap(out long heapSize)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        long total = GC.GetTotalMemory(forceFullCollection: true);
        heapSize = GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
        return total;
    }

    private static async Task IdleAsync(ProcessContext context)
    {
        Interlocked.Increment(ref s_started);
        while (true)
        {
            if (await context.ReceiveAsync() is IdlePing)
            {
                Interlocked.Increment(ref s_answered);
            }
        }
    }

    private sealed class IdlePing
    {
        public static readonly IdlePing Instance = new();
    }
}
