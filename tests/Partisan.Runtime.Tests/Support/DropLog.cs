using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Partisan.Diagnostics;

namespace Partisan.Tests.Support;

/// <summary>
/// Records, from the runtime's meter, every message a node counted as dropped and why (<c>partisan.message.dropped</c>
/// by <c>error.type</c>), so a test that finds a message missing can say where it went.
/// </summary>
internal sealed class DropLog : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Node, string Reason), long> _drops = new();

    public DropLog()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name == "partisan.message.dropped")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string node = "?";
            string reason = "?";
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "partisan.node")
                {
                    node = tag.Value as string ?? node;
                }
                else if (tag.Key == "error.type")
                {
                    reason = tag.Value as string ?? reason;
                }
            }

            _drops.AddOrUpdate((node, reason), value, (_, total) => total + value);
        });
        _listener.Start();
    }

    /// <summary>Drops so far, as "node: reason × count" lines; "none" when nothing was dropped.</summary>
    public override string ToString() =>
        _drops.IsEmpty ? "no message was counted as dropped" : "dropped: " + string.Join("; ", _drops.Select(d => $"{d.Key.Node} {d.Key.Reason} x{d.Value}"));

    public void Dispose() => _listener.Dispose();
}
