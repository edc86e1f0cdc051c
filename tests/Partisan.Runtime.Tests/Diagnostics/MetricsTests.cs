using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Partisan.Diagnostics;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Diagnostics;

/// <summary>The Partisan meter's instruments, their units and attributes, seen through a <see cref="MeterListener"/>.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName)
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private List<(double Value, Dictionary<string, object?> Tags)> Of(string instrument, PartisanNode node) =>
        _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("partisan.node"), node.Name.Value))
            .Select(m => (m.Value, m.Tags)).ToList();

    private sealed record Echo(string Text);

    [Fact]
    public async Task The_instruments_follow_OpenTelemetry_names_and_units_and_the_old_names_are_gone()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        await nodes.StartClusterAsync(2);

        var expected = new Dictionary<string, string>
        {
            ["partisan.network.io"] = "By",
            ["partisan.network.messages"] = "{message}",
            ["partisan.message.dropped"] = "{message}",
            ["partisan.connection.count"] = "{connection}",
            ["partisan.member.count"] = "{node}",
            ["partisan.call.duration"] = "s",
            ["partisan.queue.size"] = "By",
            ["partisan.mailbox.depth"] = "{message}",
        };
        Assert.Equal(expected.Keys.Order(), _instruments.Keys.Order());
        Assert.All(expected, e => Assert.Equal(e.Value, _instruments[e.Key].Unit));
        Assert.All(_instruments.Values, i => Assert.False(string.IsNullOrEmpty(i.Description), $"{i.Name} has a description"));
    }

    [Fact]
    public async Task Traffic_drops_calls_queues_and_mailboxes_are_measured_with_their_attributes()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        (PartisanNode a, PartisanNode b) = (cluster[0], cluster[1]);
        Pid echo = b.Spawn(async p =>
        {
            while (true)
            {
                if (await p.ReceiveAsync() is CallRequest call)
                {
                    p.Node.HandleFor(call).Reply(call.Request);
                }
            }
        }, "echo");

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("hello", await a.CallAsync<string>(ProcessRef.ForName("echo", b.Name), "hello"));
        }

        await Assert.ThrowsAsync<CalleeDownException>(() => a.CallAsync(ProcessRef.ForName("nobody", b.Name), "hello"));
        Assert.False(a.Send(ProcessRef.ForName("x", NodeName.Parse("ghost@127.0.0.1")), "lost"));

        List<(double Value, Dictionary<string, object?> Tags)> durations = Of("partisan.call.duration", a);
        Assert.Equal(3, durations.Count(d => !d.Tags.ContainsKey("error.type")));
        Assert.All(durations, d => Assert.InRange(d.Value, 0, 30));
        Assert.Contains(durations, d => Equals(d.Tags.GetValueOrDefault("error.type"), typeof(CalleeDownException).FullName));

        Assert.Contains(Of("partisan.message.dropped", a), d => Equals(d.Tags.GetValueOrDefault("error.type"), "unknown_node"));

        await Eventually.True(
            () => Of("partisan.network.io", a).Any(m => Equals(m.Tags.GetValueOrDefault("network.io.direction"), "transmit") && Equals(m.Tags.GetValueOrDefault("partisan.channel"), "default")),
            "bytes transmitted on the default channel are counted");
        await Eventually.True(
            () => Of("partisan.network.messages", b).Any(m => Equals(m.Tags.GetValueOrDefault("network.io.direction"), "receive")),
            "messages received are counted");

        // A process that never reads: its mailbox is what the gauge reports.
        var never = new TaskCompletionSource();
        Pid stuck = a.Spawn(_ => never.Task);
        for (int i = 0; i < 5; i++)
        {
            a.Send(stuck, i);
        }

        _listener.RecordObservableInstruments();
        Assert.Contains(Of("partisan.mailbox.depth", a), m => m.Value >= 5);
        Assert.Contains(Of("partisan.queue.size", a), m => Equals(m.Tags.GetValueOrDefault("partisan.channel"), "default") && m.Value >= 0);
        Assert.Contains(Of("partisan.member.count", a), m => m.Value == 2);
        never.SetResult();
    }
}
