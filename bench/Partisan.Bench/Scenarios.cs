using System.Diagnostics;
using Partisan;

namespace Partisan.Bench;

/// <summary>The measurements; each mirrors the matching part of shared/bench/disterl (same sizes, counts and protocol).</summary>
internal static class Scenarios
{
    public const int MiB = 1024 * 1024;

    /// <summary>The longest any one run may take before it counts as failed (a lost message shows up as a hang).</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    public static byte[] Payload(int size)
    {
        byte[] payload = new byte[size];
        payload.AsSpan().Fill(0xA5);
        return payload;
    }

    // ------------------------------------------------------------------ ping-pong

    /// <summary>Round trips to the echo process: <paramref name="warmup"/> unmeasured, then up to <paramref name="count"/> measured or until <paramref name="deadline"/> (after the warm-up).</summary>
    public static async Task<(long[] Samples, double Seconds)> PingAsync(PartisanNode node, NodeName remote, byte[] payload, int warmup, int count, TimeSpan deadline)
    {
        var done = new TaskCompletionSource<(long[], double)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = ProcessRef.ForName("echo", remote);
        node.Spawn(async ctx =>
        {
            try
            {
                await PingLoopAsync(ctx);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        return await WithLimit(done.Task, "ping-pong");

        async Task PingLoopAsync(ProcessContext ctx)
        {
            for (int i = 0; i < warmup; i++)
            {
                Require(node.Send(echo, new Echo(ctx.Self, payload)), "a ping");
                await ctx.ReceiveAsync();
            }

            var samples = new long[count];
            int taken = 0;
            long begin = Stopwatch.GetTimestamp();
            long end = deadline == TimeSpan.MaxValue ? long.MaxValue : begin + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
            long now = begin;
            while (taken < count && now < end)
            {
                long start = Stopwatch.GetTimestamp();
                Require(node.Send(echo, new Echo(ctx.Self, payload)), "a ping");
                await ctx.ReceiveAsync();
                now = Stopwatch.GetTimestamp();
                samples[taken++] = now - start;
            }

            done.SetResult((samples[..taken], Seconds(now - begin)));
        }
    }

    public static async Task<Dictionary<string, object>> PingPongAsync(Session session, int size, int warmup, int count)
    {
        (long[] samples, double seconds) = await PingAsync(session.Node, session.Remote, Payload(size), warmup, count, TimeSpan.MaxValue);
        var result = new Dictionary<string, object>
        {
            ["bench"] = "pingpong",
            ["payload_bytes"] = size,
            ["n"] = samples.Length,
            ["elapsed_s"] = Math.Round(seconds, 3),
            ["round_trips_per_s"] = Math.Round(samples.Length / seconds, 1),
        };
        Results.AddLatency(result, samples);
        return result;
    }

    // ------------------------------------------------------------------ call

    /// <summary>
    /// <paramref name="callers"/> concurrent callers each make <paramref name="perCaller"/> calls to the generated
    /// <see cref="EchoServer"/> on the server process through its typed client, one after another, timing each
    /// (the reference's <c>call</c> part: <c>gen_server:call</c> with a 64-byte payload).
    /// </summary>
    public static async Task<Dictionary<string, object>> CallAsync(Session session, int size, int callers, int perCaller)
    {
        EchoServerClient client = EchoServer.Client(session.Node, ProcessRef.ForName(EchoServer.Name, session.Remote));
        byte[] payload = Payload(size);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callerTasks = new Task<long[]>[callers];
        for (int c = 0; c < callers; c++)
        {
            callerTasks[c] = Task.Run(async () =>
            {
                await start.Task;
                long[] samples = new long[perCaller];
                for (int i = 0; i < perCaller; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    byte[] reply = await client.EchoAsync(payload);
                    samples[i] = Stopwatch.GetTimestamp() - t0;
                    if (reply.Length != payload.Length)
                    {
                        throw new LostMessageException($"call: the echo had {reply.Length} bytes, not {payload.Length}.");
                    }
                }

                return samples;
            });
        }

        var clock = Stopwatch.StartNew();
        start.SetResult();
        long[][] perCallerSamples = await WithLimit(Task.WhenAll(callerTasks), "call");
        clock.Stop();
        long[] all = new long[callers * perCaller];
        for (int c = 0; c < callers; c++)
        {
            perCallerSamples[c].CopyTo(all, c * perCaller);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        var result = new Dictionary<string, object>
        {
            ["bench"] = "call",
            ["payload_bytes"] = size,
            ["callers"] = callers,
            ["n"] = all.Length,
            ["elapsed_s"] = Math.Round(seconds, 3),
            ["calls_per_s"] = Math.Round(all.Length / seconds, 1),
        };
        Results.AddLatency(result, all);
        return result;
    }

    // ------------------------------------------------------------------ throughput

    /// <summary>
    /// <paramref name="senders"/> processes each send <paramref name="perSender"/> messages of <paramref name="size"/> bytes
    /// to their own sink, in batches of <paramref name="batch"/> that end with a marker the sink answers with its count
    /// (as the Erlang reference does). Senders use the "data" channel with their index as partition key, with
    /// acknowledged delivery when <paramref name="ack"/>.
    /// </summary>
    public static async Task<Dictionary<string, object>> ThroughputAsync(Session session, int size, int senders, int perSender, int batch, bool ack = false, string? causalLabel = null, bool pooled = false)
    {
        PartisanNode node = session.Node;
        NodeName remote = session.Remote;
        // Pooled: the payload travels as PooledBytes, which the sink receives in pooled memory and gives back.
        object payload = pooled ? PooledBytes.CopyOf(Payload(size)) : Payload(size);
        var finished = new Task[senders];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long lost = 0;
        for (int s = 0; s < senders; s++)
        {
            var sink = ProcessRef.ForName("sink" + (s % BenchServer.Sinks), remote);
            var options = new ForwardOptions { Channel = BenchChannels.Data, PartitionKey = s, Ack = ack, CausalLabel = causalLabel };
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            finished[s] = completion.Task;
            node.Spawn(async ctx =>
            {
                try
                {
                    await SendAsync(ctx, sink, options);
                    completion.SetResult();
                }
                catch (Exception ex)
                {
                    completion.TrySetException(ex);
                }
            });
        }

        var clock = Stopwatch.StartNew();
        start.SetResult();
        await WithLimit(Task.WhenAll(finished), "throughput");
        clock.Stop();
        if (lost != 0)
        {
            throw new LostMessageException($"throughput {size} B x {senders}: {lost} messages were lost.");
        }

        long total = (long)perSender * senders;
        double seconds = clock.Elapsed.TotalSeconds;
        var result = new Dictionary<string, object>
        {
            ["bench"] = "throughput",
            ["payload_bytes"] = size,
            ["senders"] = senders,
            ["msgs"] = total,
            ["batch"] = batch,
            ["elapsed_s"] = Math.Round(seconds, 3),
            ["msgs_per_s"] = Math.Round(total / seconds, 1),
            ["mib_per_s"] = Math.Round(total * (double)size / seconds / MiB, 1),
        };
        if (pooled)
        {
            result["payload_kind"] = "pooled";
        }

        return result;

        async Task SendAsync(ProcessContext ctx, ProcessRef sink, ForwardOptions options)
        {
            await start.Task;
            int sent = 0;
            while (sent < perSender)
            {
                int n = batch == 0 ? perSender : Math.Min(batch, perSender - sent);
                for (int i = 0; i < n; i++)
                {
                    await SendOrThrowAsync(node, sink, payload, options, "a throughput message");
                }

                await SendOrThrowAsync(node, sink, ctx.Self, options, "a batch marker");

                long acked = (long)await ctx.ReceiveAsync();
                if (acked != n)
                {
                    Interlocked.Add(ref lost, n - acked);
                }

                sent += n;
            }
        }
    }

    // ------------------------------------------------------------------ head-of-line blocking

    /// <summary>
    /// One HOL case: small ping-pong latency while another process streams <paramref name="backgroundSize"/>-byte
    /// messages to the server's bulk process (0: no stream), either on the default channel (the pings' own
    /// connection) or on the separate "bulk" channel (parallelism 4, messages spread over its connections).
    /// </summary>
    public static async Task<Dictionary<string, object>> HolCaseAsync(Session session, int pingSize, int backgroundSize, bool separate, int maxPings, TimeSpan maxTime)
    {
        Background? background = null;
        if (backgroundSize > 0)
        {
            background = Background.Start(session, backgroundSize, separate ? BenchChannels.BulkChannel : null, separate ? 16 : 1);
            await Task.Delay(500); // let the stream ramp up, as the reference does
        }

        (long[] samples, double seconds) = await PingAsync(session.Node, session.Remote, Payload(pingSize), 0, maxPings, maxTime);
        var result = new Dictionary<string, object>
        {
            ["bench"] = "hol",
            ["payload_bytes"] = pingSize,
            ["background_bytes"] = backgroundSize,
            ["background_channel"] = backgroundSize == 0 ? "none" : separate ? "separate" : "same",
            ["n"] = samples.Length,
            ["elapsed_s"] = Math.Round(seconds, 3),
        };
        if (separate)
        {
            result["background_parallelism"] = BenchChannels.BulkParallelism;
        }

        Results.AddLatency(result, samples);
        if (background is null)
        {
            result["bg_msgs"] = 0;
            result["bg_mib_per_s"] = 0.0;
        }
        else
        {
            (long acked, double bgSeconds) = await background.StopAsync();
            result["bg_msgs"] = acked;
            result["bg_mib_per_s"] = Math.Round(acked * (double)backgroundSize / MiB / bgSeconds, 1);
        }

        return result;
    }

    /// <summary>A process streaming large messages with a credit window: at most 32 MiB (and at least 2 messages) unacknowledged.</summary>
    private sealed class Background
    {
        private readonly TaskCompletionSource<(long, double)> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _stop;

        public static Background Start(Session session, int size, string? channel, int keys)
        {
            var background = new Background();
            PartisanNode node = session.Node;
            NodeName remote = session.Remote;
            var bulk = ProcessRef.ForName("bulk", remote);
            PooledBytes payload = PooledBytes.CopyOf(Payload(size)); // copied into each frame; the sender keeps it
            int window = Math.Max(2, 32 * MiB / size);
            node.Spawn(async ctx =>
            {
                long begin = Stopwatch.GetTimestamp();
                long sent = 0;
                long acked = 0;
                try
                {
                    while (!background._stop)
                    {
                        while (!background._stop && sent - acked < window)
                        {
                            int key = (int)(sent % keys);
                            var message = new Bulk(ctx.Self, channel, key, payload);
                            var options = new ForwardOptions { Channel = channel, PartitionKey = key };
                            await SendOrThrowAsync(node, bulk, message, options, "a background message");

                            sent++;
                        }

                        await ctx.ReceiveAsync();
                        acked++;
                        while (ctx.TryReceive(out _))
                        {
                            acked++;
                        }
                    }

                    while (acked < sent)
                    {
                        await ctx.ReceiveAsync();
                        acked++;
                    }

                    background._done.SetResult((acked, Seconds(Stopwatch.GetTimestamp() - begin)));
                }
                catch (Exception ex)
                {
                    background._done.TrySetException(ex);
                }
            });
            return background;
        }

        public Task<(long Acked, double Seconds)> StopAsync()
        {
            _stop = true;
            return WithLimit(_done.Task, "background stream");
        }
    }

    // ------------------------------------------------------------------ latency (delay proxy)

    /// <summary>
    /// Finds partition keys that put each of <paramref name="count"/> senders on its own connection of
    /// <paramref name="channel"/>, by watching which proxied connection carries a 64 KiB probe for each key.
    /// </summary>
    public static async Task<int[]> CalibrateKeysAsync(Session session, string channel, int count)
    {
        ProxyTransport proxy = session.Proxy ?? throw new InvalidOperationException("Calibration needs the proxy.");
        var sink = ProcessRef.ForName("sink0", session.Remote);
        byte[] probe = Payload(64 * 1024);
        var keys = new List<int>();
        var used = new HashSet<int>();
        for (int key = 0; key < 64 * count && keys.Count < count; key++)
        {
            Dictionary<int, long> before = proxy.Links().ToDictionary(l => l.Id, l => l.UpBytes);
            Require(session.Node.ForwardMessage(session.Remote, sink, probe, new ForwardOptions { Channel = channel, PartitionKey = key }), "a probe");
            int? carrier = null;
            var wait = Stopwatch.StartNew();
            while (carrier is null && wait.Elapsed < TimeSpan.FromSeconds(5))
            {
                foreach (ProxyLink link in proxy.Links())
                {
                    if (link.UpBytes - before.GetValueOrDefault(link.Id) >= probe.Length)
                    {
                        carrier = link.Id;
                        break;
                    }
                }

                if (carrier is null)
                {
                    await Task.Delay(1);
                }
            }

            if (carrier is null)
            {
                throw new TimeoutException("A calibration probe did not reach the proxy.");
            }

            if (used.Add(carrier.Value))
            {
                keys.Add(key);
            }
        }

        for (int i = 0; keys.Count < count; i++)
        {
            keys.Add(keys[i]); // fewer connections than senders: share (reported as connections_used)
        }

        return keys.ToArray();
    }

    /// <summary>
    /// <paramref name="keys"/>.Length senders each send a <paramref name="size"/>-byte message on <paramref name="channel"/>
    /// with their own partition key and wait for its acknowledgement, again and again for <paramref name="duration"/>.
    /// Operations per second = acknowledged messages / time to the last acknowledgement.
    /// </summary>
    public static async Task<Dictionary<string, object>> LatencyCaseAsync(Session session, int size, string channel, int parallelism, int[] keys, TimeSpan duration)
    {
        ProxyTransport proxy = session.Proxy ?? throw new InvalidOperationException("The latency scenario needs the proxy.");
        PartisanNode node = session.Node;
        NodeName remote = session.Remote;
        var bulk = ProcessRef.ForName("bulk", remote);
        PooledBytes payload = PooledBytes.CopyOf(Payload(size)); // copied into each frame; the sender keeps it
        int senders = keys.Length;
        var finished = new Task<List<long>>[senders];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long lastAck = 0;
        Dictionary<int, long> before = proxy.Links().ToDictionary(l => l.Id, l => l.UpBytes);
        long begin = 0;
        long end = 0;
        for (int s = 0; s < senders; s++)
        {
            int key = keys[s];
            var options = new ForwardOptions { Channel = channel, PartitionKey = key };
            var completion = new TaskCompletionSource<List<long>>(TaskCreationOptions.RunContinuationsAsynchronously);
            finished[s] = completion.Task;
            node.Spawn(async ctx =>
            {
                await start.Task;
                var samples = new List<long>();
                try
                {
                    while (Stopwatch.GetTimestamp() < Volatile.Read(ref end))
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        var message = new Bulk(ctx.Self, channel, key, payload);
                        await SendOrThrowAsync(node, bulk, message, options, "an operation");

                        await ctx.ReceiveAsync();
                        long t1 = Stopwatch.GetTimestamp();
                        samples.Add(t1 - t0);
                        InterlockedMax(ref lastAck, t1);
                    }

                    completion.SetResult(samples);
                }
                catch (Exception ex)
                {
                    completion.TrySetException(ex);
                }
            });
        }

        begin = Stopwatch.GetTimestamp();
        Volatile.Write(ref end, begin + (long)(duration.TotalSeconds * Stopwatch.Frequency));
        start.SetResult();
        List<long>[] perSender = await WithLimit(Task.WhenAll(finished), "latency");
        long[] all = perSender.SelectMany(x => x).ToArray();
        double seconds = Seconds(lastAck - begin);
        int connections = proxy.Links().Count(l => l.UpBytes - before.GetValueOrDefault(l.Id) >= size);
        var result = new Dictionary<string, object>
        {
            ["bench"] = "latency",
            ["payload_bytes"] = size,
            ["senders"] = senders,
            ["parallelism"] = parallelism,
            ["connections_used"] = connections,
            ["delay_ms"] = proxy.Delay.TotalMilliseconds,
            ["window_bytes"] = proxy.Window,
            ["n"] = all.Length,
            ["elapsed_s"] = Math.Round(seconds, 3),
            ["ops_per_s"] = Math.Round(all.Length / seconds, 2),
            ["mib_per_s"] = Math.Round(all.Length * (double)size / MiB / seconds, 1),
        };
        Results.AddLatency(result, all);
        return result;
    }

    // ------------------------------------------------------------------ helpers

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Sends that waited for room in the connection's queue (back-pressure; none was lost).</summary>
    public static long Refused => Interlocked.Read(ref _refused);

    private static long _refused;

    /// <summary>
    /// Sends with back-pressure, as a busy Erlang distribution port makes the sender wait: past the connection's
    /// BackPressureBytesPerConnection the send waits until the writer drained half. A send that completes false (the
    /// node went down) counts as a lost message; a send that had to wait is counted in <see cref="Refused"/>.
    /// </summary>
    private static async ValueTask SendOrThrowAsync(PartisanNode node, ProcessRef target, object message, ForwardOptions options, string what)
    {
        ValueTask<bool> send = node.SendAsync(target, message, options);
        if (!send.IsCompleted)
        {
            Interlocked.Increment(ref _refused);
        }

        if (!await send)
        {
            throw new LostMessageException($"The runtime refused {what} (node down): a lost message.");
        }
    }

    private static void Require(bool sent, string what)
    {
        if (!sent)
        {
            throw new LostMessageException($"The runtime refused {what} (node down or queue full): a lost message.");
        }
    }

    public static async Task<T> WithLimit<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Limit)) != task)
        {
            throw new TimeoutException($"The {what} run did not finish within {Limit.TotalSeconds} s (a lost message?).");
        }

        return await task;
    }

    public static async Task WithLimit(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Limit)) != task)
        {
            throw new TimeoutException($"The {what} run did not finish within {Limit.TotalSeconds} s (a lost message?).");
        }

        await task;
    }
}

/// <summary>A message was refused or never acknowledged.</summary>
internal sealed class LostMessageException(string message) : Exception(message);
