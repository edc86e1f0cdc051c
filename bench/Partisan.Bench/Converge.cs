using System.Diagnostics;
using System.Diagnostics.Metrics;
using Partisan.Channels;
using Partisan.Transport;

namespace Partisan.Bench;

/// <summary>
/// The converge scenario: <c>nodes</c> full-mesh nodes in this process (over TCP on 127.0.0.1, or over the
/// in-memory transport), all joining the first one at once. Reports the time until every node has every
/// other as a member with all its channels connected, the membership bytes that took, and then the CPU the
/// idle cluster uses (percent of one core) over a quiet period.
/// </summary>
internal static class Converge
{
    public static async Task<Dictionary<string, object>> RunAsync(int count, bool memory, TimeSpan limit, TimeSpan idle)
    {
        InMemoryNetwork? network = memory ? new InMemoryNetwork() : null;
        var nodes = new List<PartisanNode>(count);
        var tally = new LogTally();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var options = new PartisanOptions { NodeName = $"converge{i}@127.0.0.1", ClusterSecret = Session.Secret };
                options.ListenAddresses.Add("127.0.0.1:0");
                if (network is not null)
                {
                    options.Transport = new InMemoryTransport(network);
                }

                nodes.Add(await PartisanNode.StartAsync(options, tally));
            }

            int downs = 0;
            var downSubscriptions = new List<IDisposable>(count);
            foreach (PartisanNode node in nodes)
            {
                downSubscriptions.Add(node.OnDown((_, _) => Interlocked.Increment(ref downs)));
            }

            using MeterListener listener = ListenToMembershipBytes();
            long bytesBefore = Interlocked.Read(ref _membershipBytes);
            var clock = Stopwatch.StartNew();
            var joins = new Task[count - 1];
            for (int i = 1; i < count; i++)
            {
                joins[i - 1] = nodes[i].JoinAsync(nodes[0].ListenAddresses[0]);
            }

            await Task.WhenAll(joins);
            double membersKnown = double.NaN;
            while (!AllSee(nodes))
            {
                if (clock.Elapsed > limit)
                {
                    throw new TimeoutException($"{count} nodes did not converge within {limit.TotalSeconds:F0} s ({Seen(nodes)} of {count * (count - 1)} member links seen).");
                }

                if (double.IsNaN(membersKnown) && Seen(nodes) == count * (count - 1))
                {
                    membersKnown = clock.Elapsed.TotalSeconds;
                }

                await Task.Delay(20);
            }

            if (double.IsNaN(membersKnown))
            {
                membersKnown = clock.Elapsed.TotalSeconds;
            }

            double converged = clock.Elapsed.TotalSeconds;
            int warningsWhileConverging = tally.Total;
            int downsWhileConverging = Volatile.Read(ref downs);
            long bytes = Interlocked.Read(ref _membershipBytes) - bytesBefore;

            // Idle: let the join traffic drain, then measure.
            await Task.Delay(TimeSpan.FromSeconds(2));
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            long idleBytesBefore = Interlocked.Read(ref _membershipBytes);
            var quiet = Stopwatch.StartNew();
            await Task.Delay(idle);
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / quiet.Elapsed.TotalSeconds;
            int warningsWhileIdle = tally.Total - warningsWhileConverging;
            double idleMembershipKibPerSecond = (Interlocked.Read(ref _membershipBytes) - idleBytesBefore) / 1024.0 / quiet.Elapsed.TotalSeconds;
            return new Dictionary<string, object>
            {
                ["bench"] = "converge",
                ["nodes"] = count,
                ["network"] = memory ? "memory" : "tcp",
                ["converge_s"] = Math.Round(converged, 2),
                ["members_s"] = Math.Round(membersKnown, 2),
                ["warnings"] = warningsWhileConverging,
                ["warnings_idle"] = warningsWhileIdle,
                ["node_down_events"] = downsWhileConverging,
                ["idle_membership_kib_s"] = Math.Round(idleMembershipKibPerSecond, 1),
                ["warnings_by_event"] = string.Join(", ", tally.Counts.Select(static p => $"{p.Key} {p.Value}")),
                ["membership_mib"] = Math.Round(bytes / (1024.0 * 1024.0), 2),
                ["idle_cpu_pct_of_core"] = Math.Round(cpu * 100, 1),
                ["idle_s"] = idle.TotalSeconds,
            };
        }
        finally
        {
            foreach (PartisanNode node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static long _membershipBytes;

    // Sums partisan.bytes.sent on the membership channel over every node in this process.
    private static MeterListener ListenToMembershipBytes()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, l) =>
            {
                if (instrument.Meter.Name == Partisan.Diagnostics.PartisanMetrics.MeterName && instrument.Name == "partisan.bytes.sent")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "partisan.channel" && (string?)tag.Value == ChannelOptions.MembershipName)
                {
                    Interlocked.Add(ref _membershipBytes, value);
                }
            }
        });
        listener.Start();
        return listener;
    }

    private static bool AllSee(List<PartisanNode> nodes)
    {
        foreach (PartisanNode node in nodes)
        {
            if (node.Members().Count != nodes.Count)
            {
                return false;
            }

            foreach (PartisanNode other in nodes)
            {
                if (other != node && !node.IsFullyConnected(other.Name))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int Seen(List<PartisanNode> nodes)
    {
        int seen = 0;
        foreach (PartisanNode node in nodes)
        {
            seen += node.Members().Count - 1;
        }

        return seen;
    }
}
