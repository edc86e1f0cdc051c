using System.Diagnostics;
using Partisan.Broadcast;

namespace Partisan.Bench;

/// <summary>
/// The broadcast scenario: <c>nodes</c> full-mesh nodes in this process over TCP on 127.0.0.1, broadcast on, default
/// <see cref="BroadcastOptions"/>. From one root: broadcasts one at a time, each timed from the call until the last other
/// node merged it (time to reach all); then a burst, timed until every node holds all of it (broadcasts per second).
/// Also reports the relative message redundancy of the run (payloads received per delivery, minus one).
/// </summary>
internal static class BroadcastBench
{
    public static async Task<Dictionary<string, object>[]> RunAsync(int count, int samples, int burst, int payloadBytes, TimeSpan limit)
    {
        var nodes = new List<PartisanNode>(count);
        var tally = new LogTally();
        byte[] payload = Scenarios.Payload(payloadBytes);
        var arrivals = new Arrivals(count - 1);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var options = new PartisanOptions { NodeName = $"bcast{i}@127.0.0.1", ClusterSecret = Session.Secret };
                options.ListenAddresses.Add("127.0.0.1:0");
                options.Broadcast.Enabled = true;
                PartisanNode node = await PartisanNode.StartAsync(options, tally);
                if (i == 0)
                {
                    node.RegisterBroadcastHandler<long>(new CountingHandler(arrivals, payload)); // the root
                }
                else
                {
                    node.RegisterBroadcastHandler(new CountingHandler(arrivals, payload));
                }

                nodes.Add(node);
            }

            for (int i = 1; i < count; i++)
            {
                await nodes[i].JoinAsync(nodes[0].ListenAddresses[0]);
            }

            var wait = Stopwatch.StartNew();
            while (!nodes.TrueForAll(n => n.Nodes().Count == count - 1))
            {
                if (wait.Elapsed > limit)
                {
                    throw new TimeoutException($"{count} nodes did not connect within {limit.TotalSeconds:F0} s.");
                }

                await Task.Delay(20);
            }

            PartisanNode root = nodes[0];
            long next = 0;

            // Warm-up (the first broadcasts of a root go to every link until duplicates prune its tree), then one at a time.
            for (int i = 0; i < Math.Max(10, samples / 10); i++)
            {
                await arrivals.BroadcastAndWaitAsync(root, next++, limit);
            }

            var ticks = new long[samples];
            for (int i = 0; i < samples; i++)
            {
                ticks[i] = await arrivals.BroadcastAndWaitAsync(root, next++, limit);
            }

            var latency = new Dictionary<string, object> { ["bench"] = "broadcast", ["mode"] = "one at a time", ["nodes"] = count, ["payload_bytes"] = payloadBytes, ["n"] = samples };
            Results.AddLatency(latency, ticks);

            // A burst: every broadcast queued at once; timed until all nodes hold all of it.
            long first = next;
            Task done = arrivals.WaitForAsync(first, burst);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < burst; i++)
            {
                root.Broadcast(next++);
            }

            await done.WaitAsync(limit);
            double seconds = clock.Elapsed.TotalSeconds;
            long received = 0, delivered = 0;
            foreach (PartisanNode node in nodes)
            {
                BroadcastCounters counters = await node.BroadcastCountersAsync();
                received += counters.PayloadsReceived;
                delivered += counters.Delivered;
            }

            var rate = new Dictionary<string, object>
            {
                ["bench"] = "broadcast",
                ["mode"] = "burst",
                ["nodes"] = count,
                ["payload_bytes"] = payloadBytes,
                ["n"] = burst,
                ["broadcasts_per_s"] = Math.Round(burst / seconds, 1),
                ["elapsed_s"] = Math.Round(seconds, 3),
                ["rmr"] = delivered == 0 ? 0 : Math.Round((double)received / delivered - 1, 3),
                ["warnings"] = tally.Total,
            };
            return [latency, rate];
        }
        finally
        {
            foreach (PartisanNode node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>How many nodes merged each broadcast (ids are consecutive from 0), and who waits for which to reach all.</summary>
    private sealed class Arrivals(int others)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<long, int> _counts = new();
        private long _waitFrom;
        private long _waitCount;
        private long _complete;
        private TaskCompletionSource? _waiter;

        public void Arrived(long id)
        {
            TaskCompletionSource? done = null;
            lock (_gate)
            {
                int seen = _counts.GetValueOrDefault(id) + 1;
                _counts[id] = seen;
                if (seen == others && id >= _waitFrom && id < _waitFrom + _waitCount && ++_complete == _waitCount)
                {
                    done = _waiter;
                }
            }

            done?.TrySetResult();
        }

        public Task WaitForAsync(long from, long count)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                (_waitFrom, _waitCount, _complete, _waiter) = (from, count, 0, waiter);
            }

            return waiter.Task;
        }

        public async Task<long> BroadcastAndWaitAsync(PartisanNode root, long id, TimeSpan limit)
        {
            Task reached = WaitForAsync(id, 1);
            long start = Stopwatch.GetTimestamp();
            root.Broadcast(id);
            await reached.WaitAsync(limit);
            return Stopwatch.GetTimestamp() - start;
        }
    }

    /// <summary>Broadcasts are <see cref="long"/> ids with a fixed payload; each node remembers the ids it merged.</summary>
    private sealed class CountingHandler(Arrivals arrivals, byte[] payload) : IBroadcastHandler
    {
        private readonly HashSet<long> _seen = new();

        public string Name => "bench";

        public BroadcastData BroadcastData(object message)
        {
            _seen.Add((long)message);
            return new BroadcastData(message, payload);
        }

        public bool Merge(object id, object payload)
        {
            if (!_seen.Add((long)id))
            {
                return false;
            }

            arrivals.Arrived((long)id);
            return true;
        }

        public bool IsStale(object id) => _seen.Contains((long)id);

        public GraftResult Graft(object id) => _seen.Contains((long)id) ? GraftResult.Found(payload) : GraftResult.Failed("unknown id");
    }
}
