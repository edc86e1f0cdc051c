using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Partisan.Diagnostics;
using Partisan.Tests.Support;

namespace Partisan.Tests.Hosting;

public class PartisanHostingMetricsTests
{
    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    [Fact]
    public async Task Meter_reports_messages_bytes_connections_and_members_of_hosted_nodes()
    {
        var totals = new ConcurrentDictionary<(string Node, string Channel, string Instrument), long>();
        var members = new ConcurrentDictionary<string, int>();
        var meters = new ConcurrentBag<Meter>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PartisanMetrics.MeterName)
            {
                meters.Add(instrument.Meter);
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "partisan.node") is { } node)
            {
                string name = Tag(tags, "network.io.direction") is { } direction ? instrument.Name + ":" + direction : instrument.Name;
                totals.AddOrUpdate((node, Tag(tags, "partisan.channel") ?? "", name), value, (_, old) => old + value);
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "partisan.member.count" && Tag(tags, "partisan.node") is { } node)
            {
                members[node] = value;
            }
        });
        listener.Start();

        Dictionary<string, string?> settingsA = PartisanTestHost.Settings("metered");
        settingsA["Channels:0:Name"] = "rpc";
        settingsA["Channels:0:Parallelism"] = "2";
        await using PartisanTestHost hostA = PartisanTestHost.Create(settingsA, customize: b => b.Services.AddMetrics());
        await hostA.StartAsync();
        PartisanNode a = hostA.Node;

        Dictionary<string, string?> settingsB = PartisanTestHost.Settings("metered");
        settingsB["Channels:0:Name"] = "rpc";
        settingsB["Channels:0:Parallelism"] = "2";
        settingsB["Seeds:0"] = a.ListenAddresses[0].ToString();
        await using PartisanTestHost hostB = PartisanTestHost.Create(settingsB, customize: b => b.Services.AddMetrics());
        await hostB.StartAsync();
        PartisanNode b = hostB.Node;
        await Eventually.True(() => TestNodes.AllSee([a, b]), "the two hosted nodes are connected");

        // The node's meter comes from the host's IMeterFactory.
        IMeterFactory factoryA = hostA.Host.Services.GetRequiredService<IMeterFactory>();
        Assert.Contains(meters, m => ReferenceEquals(m.Scope, factoryA));

        string nodeA = a.Name.Value;
        string nodeB = b.Name.Value;
        long Total(string node, string channel, string instrument) => totals.GetValueOrDefault((node, channel, instrument));
        long sentBefore = Total(nodeA, "rpc", "partisan.network.messages:transmit");
        long bytesBefore = Total(nodeA, "rpc", "partisan.network.io:transmit");

        const int count = 25;
        var probe = Probe.Start(b, "metrics-inbox");
        for (int i = 0; i < count; i++)
        {
            Assert.True(a.ForwardMessage(b.Name, probe.Pid, "payload " + i, ForwardOptions.OnChannel("rpc")));
        }

        for (int i = 0; i < count; i++)
        {
            Assert.Equal("payload " + i, await probe.NextAsync<string>());
        }

        await Eventually.True(
            () => Total(nodeA, "rpc", "partisan.network.messages:transmit") - sentBefore >= count,
            $"partisan.network.messages (transmit) for {nodeA} on rpc grows by {count} (now {Total(nodeA, "rpc", "partisan.network.messages:transmit") - sentBefore})");
        Assert.True(Total(nodeA, "rpc", "partisan.network.io:transmit") - bytesBefore >= count * "payload 0".Length, "partisan.network.io (transmit) grows by at least the payload sizes");
        await Eventually.True(() => Total(nodeB, "rpc", "partisan.network.messages:receive") >= count, $"partisan.network.messages (receive) for {nodeB} on rpc reaches {count}");
        Assert.True(Total(nodeB, "rpc", "partisan.network.io:receive") > 0);

        Assert.True(Total(nodeA, "rpc", "partisan.connection.count") > 0, "partisan.connection.count is positive on the rpc channel while connected");
        Assert.True(a.Metrics.Connections > 0);

        listener.RecordObservableInstruments();
        Assert.Equal(2, members.GetValueOrDefault(nodeA));
        Assert.Equal(2, members.GetValueOrDefault(nodeB));
    }
}
