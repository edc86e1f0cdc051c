using System.Diagnostics.Metrics;

namespace Partisan.Diagnostics;

/// <summary>
/// The <c>Partisan</c> meter: messages and bytes sent and received per channel, dropped messages,
/// connections, members. Instruments are tagged with the node name, so several nodes in one
/// process stay apart. Visible to OpenTelemetry or <c>dotnet-counters</c> without a dependency.
/// </summary>
public sealed class PartisanMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Partisan";

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _nodeTag;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _messagesDropped;
    private readonly UpDownCounter<long> _connections;
    private long _connectionCount;

    /// <summary>Creates the instruments for node <paramref name="node"/>; <paramref name="members"/> is read when the member gauge is observed.</summary>
    public PartisanMetrics(NodeName node, Func<int> members, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _nodeTag = new KeyValuePair<string, object?>("partisan.node", node.Value);
        _messagesSent = _meter.CreateCounter<long>("partisan.messages.sent", "{message}", "Messages written to connections.");
        _bytesSent = _meter.CreateCounter<long>("partisan.bytes.sent", "By", "Frame bytes written to connections.");
        _messagesReceived = _meter.CreateCounter<long>("partisan.messages.received", "{message}", "Messages read from connections.");
        _bytesReceived = _meter.CreateCounter<long>("partisan.bytes.received", "By", "Frame bytes read from connections.");
        _messagesDropped = _meter.CreateCounter<long>("partisan.messages.dropped", "{message}", "Messages dropped: unknown node, queue full, undecodable, no such process.");
        _connections = _meter.CreateUpDownCounter<long>("partisan.connections", "{connection}", "Open connections.");
        KeyValuePair<string, object?> tag = _nodeTag;
        _meter.CreateObservableGauge("partisan.members", () => new Measurement<int>(members(), tag), "{node}", "Cluster members known to this node.");
    }

    /// <summary>Open connections right now.</summary>
    public long Connections => Interlocked.Read(ref _connectionCount);

    internal void Sent(string channel, long messages, long bytes)
    {
        var channelTag = new KeyValuePair<string, object?>("partisan.channel", channel);
        _bytesSent.Add(bytes, _nodeTag, channelTag); // bytes first: whoever sees the messages also sees their bytes
        _messagesSent.Add(messages, _nodeTag, channelTag);
    }

    internal void Received(string channel, long messages, long bytes)
    {
        var channelTag = new KeyValuePair<string, object?>("partisan.channel", channel);
        _bytesReceived.Add(bytes, _nodeTag, channelTag);
        _messagesReceived.Add(messages, _nodeTag, channelTag);
    }

    internal void Dropped(string reason) =>
        _messagesDropped.Add(1, _nodeTag, new KeyValuePair<string, object?>("partisan.reason", reason));

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionCount);
        _connections.Add(1, _nodeTag);
    }

    internal void ConnectionClosed()
    {
        Interlocked.Decrement(ref _connectionCount);
        _connections.Add(-1, _nodeTag);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
