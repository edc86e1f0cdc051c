using System.Diagnostics.Metrics;
using static Partisan.Diagnostics.SpanAttributes;

namespace Partisan.Diagnostics;

/// <summary>
/// The <c>Partisan</c> meter, named and tagged after OpenTelemetry's semantic conventions: bytes and messages crossing
/// connections (<c>partisan.network.io</c>, <c>partisan.network.messages</c>, with <c>network.io.direction</c>), dropped
/// messages with the reason as <c>error.type</c>, open connections, members, call durations in seconds, and the bytes
/// waiting in send queues and messages waiting in mailboxes. Every measurement carries <c>partisan.node</c>, so several
/// nodes in one process stay apart. Visible to OpenTelemetry (<c>AddMeter(PartisanMetrics.MeterName)</c>) or
/// <c>dotnet-counters</c> without a dependency. Every instrument: <c>docs/observability.md</c>.
/// </summary>
public sealed class PartisanMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Partisan";

    private static readonly KeyValuePair<string, object?> Transmit = new(NetworkIoDirection, "transmit");
    private static readonly KeyValuePair<string, object?> Receive = new(NetworkIoDirection, "receive");

    // Call durations from 0.5 ms to 10 s (OpenTelemetry's RPC buckets end at 10 s as well).
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _nodeTag;
    private readonly Counter<long> _io;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _dropped;
    private readonly UpDownCounter<long> _connections;
    private readonly Histogram<double> _callDuration;
    private long _connectionCount;
    private Func<IEnumerable<Measurement<long>>>? _queues;
    private Func<long>? _mailboxes;

    /// <summary>Creates the instruments for node <paramref name="node"/>; <paramref name="members"/> is read when the member gauge is observed.</summary>
    public PartisanMetrics(NodeName node, Func<int> members, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _nodeTag = new KeyValuePair<string, object?>(Node, node.Value);
        KeyValuePair<string, object?> tag = _nodeTag;
        _io = _meter.CreateCounter<long>("partisan.network.io", "By", "Frame bytes written to (network.io.direction=transmit) and read from (receive) connections.");
        _messages = _meter.CreateCounter<long>("partisan.network.messages", "{message}", "Frames written to (network.io.direction=transmit) and read from (receive) connections.");
        _dropped = _meter.CreateCounter<long>("partisan.message.dropped", "{message}", "Messages dropped, by reason (error.type): unknown_node, not_connected, queue_full, undecodable, no_process, relay_*.");
        _connections = _meter.CreateUpDownCounter<long>("partisan.connection.count", "{connection}", "Open connections, by channel.");
        _callDuration = _meter.CreateHistogram(
            "partisan.call.duration",
            "s",
            "Duration of calls this node made, from sending the request to the reply or failure (error.type on failure).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _meter.CreateObservableUpDownCounter("partisan.member.count", () => new Measurement<int>(members(), tag), "{node}", "Cluster members known to this node, itself included.");
        _meter.CreateObservableGauge("partisan.queue.size", ObserveQueues, "By", "Bytes waiting in send queues, by channel.");
        _meter.CreateObservableGauge("partisan.mailbox.depth", ObserveMailboxes, "{message}", "Messages waiting in the mailboxes of this node's processes, all together.");
    }

    /// <summary>Open connections right now.</summary>
    public long Connections => Interlocked.Read(ref _connectionCount);

    /// <summary>Where the queue and mailbox gauges read from (set once by the node).</summary>
    internal void Observe(Func<IEnumerable<Measurement<long>>> queues, Func<long> mailboxes)
    {
        _queues = queues;
        _mailboxes = mailboxes;
    }

    /// <summary>The node tag, for measurements the node builds itself.</summary>
    internal KeyValuePair<string, object?> NodeTag => _nodeTag;

    internal void Sent(string channel, long messages, long bytes)
    {
        var channelTag = new KeyValuePair<string, object?>(Channel, channel);
        _io.Add(bytes, _nodeTag, channelTag, Transmit); // bytes first: whoever sees the messages also sees their bytes
        _messages.Add(messages, _nodeTag, channelTag, Transmit);
    }

    internal void Received(string channel, long messages, long bytes)
    {
        var channelTag = new KeyValuePair<string, object?>(Channel, channel);
        _io.Add(bytes, _nodeTag, channelTag, Receive);
        _messages.Add(messages, _nodeTag, channelTag, Receive);
    }

    internal void Dropped(string reason) =>
        _dropped.Add(1, _nodeTag, new KeyValuePair<string, object?>(ErrorType, reason));

    internal void ConnectionOpened(string channel)
    {
        Interlocked.Increment(ref _connectionCount);
        _connections.Add(1, _nodeTag, new KeyValuePair<string, object?>(Channel, channel));
    }

    internal void ConnectionClosed(string channel)
    {
        Interlocked.Decrement(ref _connectionCount);
        _connections.Add(-1, _nodeTag, new KeyValuePair<string, object?>(Channel, channel));
    }

    internal void CallCompleted(TimeSpan duration, string? errorType)
    {
        if (!_callDuration.Enabled)
        {
            return;
        }

        if (errorType is null)
        {
            _callDuration.Record(duration.TotalSeconds, _nodeTag);
        }
        else
        {
            _callDuration.Record(duration.TotalSeconds, _nodeTag, new KeyValuePair<string, object?>(ErrorType, errorType));
        }
    }

    private IEnumerable<Measurement<long>> ObserveQueues() => _queues?.Invoke() ?? [];

    private Measurement<long> ObserveMailboxes() => new(_mailboxes?.Invoke() ?? 0, _nodeTag);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
