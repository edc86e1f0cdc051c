using System.Diagnostics;
using Partisan;

namespace Partisan.Bench;

internal static class Scenarios
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>Round trips of a <paramref name="size"/>-byte payload to the echo process; per-trip latency.</summary>
    public static async Task<Dictionary<string, object>> PingPongAsync(PartisanNode node, NodeName remote, int size, int warmup, int count)
    {
        var done = new TaskCompletionSource<long[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = ProcessRef.ForName("echo", remote);
        byte[] payload = new byte[size];
        node.Spawn(async ctx =>
        {
            var samples = new long[count];
            for (int i = 0; i < warmup + count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                node.Send(echo, new Echo(ctx.Self, payload));
                await ctx.ReceiveAsync();
                if (i >= warmup)
                {
                    samples[i - warmup] = Stopwatch.GetTimestamp() - start;
                }
            }

            done.SetResult(samples);
        });
        var total = Stopwatch.StartNew();
        long[] ticks = await WithLimit(done.Task, "ping-pong");
        total.Stop();
        var result = Results.Latency(ticks);
        result["bench"] = "pingpong";
        result["payload_bytes"] = size;
        result["n"] = count;
        result["round_trips_per_s"] = Math.Round(count / (total.Elapsed.TotalSeconds * count / (warmup + count)), 1);
        return result;
    }

    /// <summary>
    /// <paramref name="senders"/> processes each send their share of <paramref name="count"/> messages of
    /// <paramref name="size"/> bytes to their own sink, in acknowledged batches of 1000 (as the Erlang reference does).
    /// </summary>
    public static async Task<Dictionary<string, object>> ThroughputAsync(PartisanNode node, NodeName remote, int size, int senders, int count)
    {
        const int Batch = 1000;
        int perSender = Math.Max(1, count / senders);
        byte[] payload = new byte[size];
        var finished = new Task[senders];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long lost = 0;
        for (int s = 0; s < senders; s++)
        {
            var sink = ProcessRef.ForName("sink" + (s % BenchServer.Sinks), remote);
            var options = new ForwardOptions { Channel = "data", PartitionKey = s };
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            finished[s] = completion.Task;
            node.Spawn(async ctx =>
            {
                await start.Task;
                int sent = 0;
                while (sent < perSender)
                {
                    int n = Math.Min(Batch, perSender - sent);
                    for (int i = 0; i < n; i++)
                    {
                        if (!node.ForwardMessage(remote, sink, payload, options))
                        {
                            Interlocked.Increment(ref lost);
                        }
                    }

                    node.ForwardMessage(remote, sink, ctx.Self, options);
                    long acked = (long)await ctx.ReceiveAsync();
                    if (acked != n)
                    {
                        Interlocked.Add(ref lost, n - acked);
                    }

                    sent += n;
                }

                completion.SetResult();
            });
        }

        var clock = Stopwatch.StartNew();
        start.SetResult();
        await WithLimit(Task.WhenAll(finished), "throughput");
        clock.Stop();
        if (lost != 0)
        {
            throw new InvalidOperationException($"{lost} messages were lost.");
        }

        long total = (long)perSender * senders;
        double seconds = clock.Elapsed.TotalSeconds;
        return new Dictionary<string, object>
        {
            ["bench"] = "throughput",
            ["payload_bytes"] = size,
            ["senders"] = senders,
            ["n"] = total,
            ["elapsed_s"] = Math.Round(seconds, 3),
            ["msgs_per_s"] = Math.Round(total / seconds, 1),
            ["mib_per_s"] = Math.Round(total * (double)size / seconds / (1024 * 1024), 1),
        };
    }

    private static async Task<T> WithLimit<T>(Task<T> task, string what)
    {
        await WithLimit((Task)task, what);
        return await task;
    }

    private static async Task WithLimit(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Limit)) != task)
        {
            throw new TimeoutException($"The {what} run did not finish within {Limit.TotalSeconds} s.");
        }

        await task;
    }
}
