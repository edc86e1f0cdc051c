using System.Diagnostics;
using System.Diagnostics.Metrics;
using Partisan.Diagnostics;
using Partisan.Connections;
using Partisan.Tests.Support;
using Xunit.Abstractions;

namespace Partisan.Tests.Cluster;

/// <summary>
/// Issue 11, "the connection layer under faults": a stream of sequenced messages over real TCP while the test kills the
/// live connection again and again. Nothing may arrive twice or out of order; what is lost must be what was in flight.
/// </summary>
[Collection(Partisan.Tests.Cluster.LoadSensitiveCollection.Name)]
public class StreamKillTests(ITestOutputHelper output)
{
    private const long EndMarker = long.MaxValue;

    /// <summary>What the receiving process saw.</summary>
    private sealed class Receiver
    {
        public long Received;
        public long Duplicates;
        public long Reordered;
        public long Gaps;
        public long GapCount;
        public long LargestGap;
        public readonly List<(long From, long Length)> Runs = new();
        public long Last = -1;
        public readonly List<string> Violations = new();
        public readonly TaskCompletionSource End = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void On(long seq)
        {
            if (seq == EndMarker)
            {
                End.TrySetResult();
                return;
            }

            if (seq <= Last)
            {
                if (seq == Last)
                {
                    Duplicates++;
                }
                else
                {
                    Reordered++; // an earlier message after a later one: a reorder, or a duplicate of an older one
                }

                if (Violations.Count < 10)
                {
                    Violations.Add($"{seq} after {Last}");
                }
            }
            else
            {
                long gap = seq - Last - 1;
                if (gap > 0)
                {
                    Gaps += gap;
                    GapCount++;
                    LargestGap = Math.Max(LargestGap, gap);
                    Runs.Add((Last + 1, gap));
                }

                Volatile.Write(ref Last, seq);
            }

            Volatile.Write(ref Received, Received + 1);
        }
    }

    [Fact]
    public async Task A_stream_of_200000_messages_through_100_connection_kills_arrives_without_duplicates_or_reordering_and_loses_only_what_was_in_flight()
    {
        const int count = 200_000;
        const int kills = 100;
        const int killEvery = count / (kills + 5); // kills spread over the stream: the last one lands before its end
        const int window = 800; // how far the sender may run ahead of the receiver (less than killEvery)

        await using var nodes = new TestNodes();
        PartisanNode[] pair = await nodes.StartClusterAsync(2, o =>
        {
            // A small queue keeps the sender live for the whole stream: SendAsync waits for room while a connection is
            // down, so kills land on a stream being written, not on a queue that already holds everything.
            o.MaxFrameSize = 64 * 1024;
            o.MaxPendingBytesPerConnection = 64 * 1024;
        });
        PartisanNode sender = pair[0];
        PartisanNode receiver = pair[1];
        using var flow = new DefaultChannelFlow(sender.Name, receiver.Name);
        var seen = new Receiver();
        Pid sink = receiver.Spawn(async ctx =>
        {
            while (true)
            {
                seen.On((long)await ctx.ReceiveAsync());
            }
        });
        var downs = 0;
        using IDisposable subscription = sender.OnDown((_, _) => Interlocked.Increment(ref downs));

        var clock = Stopwatch.StartNew();
        long refused = 0;
        long sent = 0;
        long maxAhead = 0; // the most messages ever sent and not yet received: the most a kill can find in flight
        Task sending = Task.Run(async () =>
        {
            for (long seq = 0; seq < count; seq++)
            {
                if (seq % 100 == 0)
                {
                    // At most a window ahead of the receiver, so the stream lasts until the last kill; a window whose tail
                    // was lost is not waited for long (nothing newer would show it).
                    long until = clock.ElapsedMilliseconds + 20;
                    while (seq - Volatile.Read(ref seen.Last) > window && clock.ElapsedMilliseconds < until)
                    {
                        await Task.Delay(1);
                    }
                }

                maxAhead = Math.Max(maxAhead, seq - Volatile.Read(ref seen.Last));
                if (!await sender.SendAsync(sink, seq))
                {
                    refused++;
                }

                Volatile.Write(ref sent, seq + 1);
            }
        });
        string State() =>
            $"sent {Volatile.Read(ref sent)}, received {Volatile.Read(ref seen.Received)}, last {Volatile.Read(ref seen.Last)}, lost {Volatile.Read(ref seen.Gaps)}, " +
            $"sender side {Live(sender, receiver.Name)?.ToString() ?? "none"}, receiver side {Live(receiver, sender.Name)?.ToString() ?? "none"}, {clock.Elapsed.TotalSeconds:F1} s";

        // Each kill waits until the previous one has been redialed on both sides and the new connection carries the stream
        // (it delivered a message sent after the previous kill), then closes the live default connection on one side or
        // the other: the receiver's side drops what it has read but not handed on, the sender's side what its socket had
        // not delivered.
        var killed = new HashSet<PeerConnection>();
        long sentAtKill = 0;
        for (int kill = 0; kill < kills; kill++)
        {
            PeerConnection? onSender = null;
            PeerConnection? onReceiver = null;
            long due = Math.Max((kill + 1L) * killEvery, sentAtKill);
            long deadline = clock.ElapsedMilliseconds + 60_000;
            while (true)
            {
                onSender = Live(sender, receiver.Name);
                onReceiver = Live(receiver, sender.Name);
                if (Volatile.Read(ref seen.Last) >= due && onSender is not null && onReceiver is not null && !killed.Contains(onSender) && !killed.Contains(onReceiver))
                {
                    break;
                }

                if (clock.ElapsedMilliseconds > deadline)
                {
                    output.WriteLine($"stuck before kill {kill}: {State()}");
                    Assert.Fail($"kill {kill}: the default channel did not come back, or message {due} did not arrive, within 60 s");
                }

                await Task.Delay(2);
            }

            killed.Add(onSender);
            killed.Add(onReceiver);
            (kill % 2 == 0 ? onReceiver : onSender).Close("killed_by_test");
            sentAtKill = Volatile.Read(ref sent);
        }

        TimeSpan killing = clock.Elapsed;
        await Eventually.Within(sending, "the sender sends everything", TimeSpan.FromSeconds(60));
        Assert.True(await sender.SendAsync(sink, EndMarker));
        await Eventually.Within(seen.End.Task, "the end marker arrives (everything sent before it has arrived or is lost)", TimeSpan.FromSeconds(60));
        clock.Stop();

        long received = Volatile.Read(ref seen.Received);
        long lost = count - refused - received;
        output.WriteLine($"sent {count:N0} ({refused} refused), received {received:N0}, lost {lost:N0} in {seen.GapCount} runs (largest {seen.LargestGap:N0}), duplicates {seen.Duplicates}, reordered {seen.Reordered}, kills {kills}, node downs {downs}");
        output.WriteLine($"sender's writers flushed {flow.Flushed:N0} messages, receiver's readers handed on {flow.HandedOn:N0}");
        output.WriteLine($"time {clock.Elapsed.TotalSeconds:F1} s (kills done after {killing.TotalSeconds:F1} s; {received / clock.Elapsed.TotalSeconds:N0} messages/s)");
        output.WriteLine("runs lost (first, length): " + string.Join(", ", seen.Runs.Select(r => $"{r.From}+{r.Length}")));
        foreach (string violation in seen.Violations)
        {
            output.WriteLine("violation: " + violation);
        }

        Assert.Equal(0, seen.Duplicates);
        Assert.Equal(0, seen.Reordered);
        Assert.Equal(0, refused); // the membership channel stays up, so the peer is never down for SendAsync
        Assert.Equal(0, Volatile.Read(ref downs));

        // What was lost was in flight, and only that. A frame leaves the slot's queue once (frames taken whose flush never
        // started go back to its front for the next connection): flushed into the socket, it reaches the receiver's reader
        // or is lost with the connection; in the one batch whose flush a kill interrupted, it may have arrived or not (it
        // is not sent again: that would duplicate the part that arrived). So the loss is what was flushed and not handed
        // on, plus at most one batch a kill; a batch is at most the queue's 64 KiB of frame bodies (+ one frame), and a
        // body here is at least 5 bytes (type, flags, pid, type id, sequence number).
        const long batchMessages = (64 * 1024 / 5) + 1;
        long flushedNotHandedOn = flow.Flushed - flow.HandedOn; // (the end marker is in both)
        output.WriteLine($"lost beyond what was flushed and not handed on: {lost - flushedNotHandedOn:N0} (at most one interrupted batch a kill: {kills * batchMessages:N0})");
        Assert.InRange(lost - flushedNotHandedOn, 0, kills * batchMessages);
        Assert.True(seen.GapCount <= kills, $"{seen.GapCount} runs lost for {kills} kills");

        // And a kill loses only messages that were in flight: sent, and not yet received.
        output.WriteLine($"largest run lost {seen.LargestGap:N0} messages; at most {maxAhead:N0} were ever in flight");
        Assert.True(seen.LargestGap <= maxAhead, $"a kill lost {seen.LargestGap} messages, more than the {maxAhead} ever in flight");
    }

    /// <summary>Counts, from the runtime's meter, the messages one node's writers flushed on the default channel and another node's readers handed on.</summary>
    private sealed class DefaultChannelFlow : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _flushed;
        private long _handedOn;

        public DefaultChannelFlow(NodeName sender, NodeName receiver)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name is "partisan.messages.sent" or "partisan.messages.received")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? node = null;
                string? channel = null;
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    node = tag.Key == "partisan.node" ? tag.Value as string : node;
                    channel = tag.Key == "partisan.channel" ? tag.Value as string : channel;
                }

                if (channel != ChannelOptions.DefaultName)
                {
                    return;
                }

                if (instrument.Name == "partisan.messages.sent" && node == sender.Value)
                {
                    Interlocked.Add(ref _flushed, value);
                }
                else if (instrument.Name == "partisan.messages.received" && node == receiver.Value)
                {
                    Interlocked.Add(ref _handedOn, value);
                }
            });
            _listener.Start();
        }

        public long Flushed => Interlocked.Read(ref _flushed);

        public long HandedOn => Interlocked.Read(ref _handedOn);

        public void Dispose() => _listener.Dispose();
    }

    private static PeerConnection? Live(PartisanNode node, NodeName peer) =>
        node.ConnectionManager.OpenConnections().SingleOrDefault(c => c.Peer.Name == peer && c.ChannelName == ChannelOptions.DefaultName);
}
