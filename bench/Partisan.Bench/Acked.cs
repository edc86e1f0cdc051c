using System.Diagnostics;
using Partisan;

namespace Partisan.Bench;

/// <summary>
/// The cost of acknowledged delivery against plain sends: one sender, one-way messages of one size on the "data"
/// channel, the throughput part's batches (msg/s), then a latency pass where each message is followed by a marker the
/// sink answers (p50 of send to answer; acked, both go through the acknowledgement store and are acknowledged). With
/// <c>causal</c>, every message also carries a causal stamp of <see cref="BenchChannels.CausalLabel"/> (held and ordered at
/// the sink's node), plain or acked.
/// </summary>
internal static class Acked
{
    public static async Task<Dictionary<string, object>> RunAsync(Session session, int size, bool ack, bool causal, int count, int latencyCount)
    {
        string? label = causal ? BenchChannels.CausalLabel : null;
        Dictionary<string, object> throughput = await Scenarios.ThroughputAsync(session, size, 1, count, 1000, ack, label);
        long[] samples = await Scenarios.WithLimit(LatencyAsync(session, size, ack, label, latencyCount), "acked latency");
        var result = new Dictionary<string, object>
        {
            ["bench"] = "acked",
            ["mode"] = (causal ? "causal" : "") + (causal && ack ? "+" : "") + (ack ? "acked" : causal ? "" : "plain"),
            ["payload_bytes"] = size,
            ["senders"] = 1,
            ["msgs"] = throughput["msgs"],
            ["elapsed_s"] = throughput["elapsed_s"],
            ["msgs_per_s"] = throughput["msgs_per_s"],
            ["n"] = samples.Length,
        };
        Results.AddLatency(result, samples);
        return result;
    }

    private static Task<long[]> LatencyAsync(Session session, int size, bool ack, string? causalLabel, int count)
    {
        PartisanNode node = session.Node;
        NodeName remote = session.Remote;
        byte[] payload = Scenarios.Payload(size);
        var sink = ProcessRef.ForName("sink0", remote);
        var options = new ForwardOptions { Channel = BenchChannels.Data, PartitionKey = 0, Ack = ack, CausalLabel = causalLabel };
        var done = new TaskCompletionSource<long[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Spawn(async ctx =>
        {
            try
            {
                var samples = new long[count];
                for (int i = 0; i < count; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    Sent(node.ForwardMessage(remote, sink, payload, options));
                    Sent(node.ForwardMessage(remote, sink, ctx.Self, options));
                    if ((long)await ctx.ReceiveAsync() != 1)
                    {
                        throw new LostMessageException("acked latency: the sink did not count the message.");
                    }

                    samples[i] = Stopwatch.GetTimestamp() - start;
                }

                done.SetResult(samples);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        return done.Task;
    }

    private static void Sent(bool sent)
    {
        if (!sent)
        {
            throw new LostMessageException("acked latency: the runtime refused a message (one at a time: the queue cannot be full).");
        }
    }
}
