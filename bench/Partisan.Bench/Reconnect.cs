using System.Diagnostics;
using Partisan.Channels;
using Partisan.Connections;

namespace Partisan.Bench;

/// <summary>
/// The reconnect scenario: two nodes in this process over TCP on 127.0.0.1, default options; the live connection of
/// the default channel is killed <c>kills</c> times, and each time the wall-clock time until a new connection serves
/// the slot is measured (issue 11: it used to wait for the next gossip tick, 745-1,030 ms with the default 1 s).
/// </summary>
internal static class Reconnect
{
    public static async Task<Dictionary<string, object>> RunAsync(int kills)
    {
        await using PartisanNode a = await PartisanNode.StartAsync(Options("reconnect-a"));
        await using PartisanNode b = await PartisanNode.StartAsync(Options("reconnect-b"));
        await b.JoinAsync(a.ListenAddresses[0]);
        while (!a.IsFullyConnected(b.Name) || !b.IsFullyConnected(a.Name))
        {
            await Task.Delay(10);
        }

        var times = new double[kills];
        for (int i = 0; i < kills; i++)
        {
            PeerConnection killed = Serving(a, b.Name)!;
            var clock = Stopwatch.StartNew();
            killed.Close("killed_by_bench");
            while (Serving(a, b.Name) is not { } next || ReferenceEquals(next, killed))
            {
                await Task.Delay(1);
            }

            times[i] = clock.Elapsed.TotalMilliseconds;
            await Task.Delay(50);
        }

        Array.Sort(times);
        return new Dictionary<string, object>
        {
            ["bench"] = "reconnect",
            ["kills"] = kills,
            ["min_ms"] = Math.Round(times[0], 1),
            ["p50_ms"] = Math.Round(times[kills / 2], 1),
            ["max_ms"] = Math.Round(times[^1], 1),
        };
    }

    private static PartisanOptions Options(string name)
    {
        var options = new PartisanOptions { NodeName = name + "@127.0.0.1", ClusterSecret = Session.Secret };
        options.ListenAddresses.Add("127.0.0.1:0");
        return options;
    }

    // The open connection serving a's default-channel slot to the peer, if any.
    private static PeerConnection? Serving(PartisanNode node, NodeName peer)
    {
        foreach (PeerConnection connection in node.ConnectionManager.OpenConnections())
        {
            if (connection.Peer.Name == peer && connection.ChannelName == ChannelOptions.DefaultName && !connection.IsClosed)
            {
                return connection;
            }
        }

        return null;
    }
}
