using System.Text;

namespace Partisan.Dashboard;

/// <summary>Asks every node this node can reach for its snapshot, over Partisan, and joins the answers.</summary>
public static class ClusterSnapshots
{
    /// <summary>
    /// The JSON <c>{"self": name, "nodes": [snapshot...]}</c>: this node's snapshot and those of the reachable members whose
    /// agent answered within <paramref name="timeout"/> (a node that is down or runs no agent is left out).
    /// </summary>
    public static async Task<string> CollectJsonAsync(PartisanNode node, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var asks = new List<Task<string?>>();
        foreach (NodeName member in node.Members())
        {
            if (member != node.Name && node.NextHop(member) is not null)
            {
                asks.Add(AskAsync(node, member, timeout, cancellationToken));
            }
        }

        var json = new StringBuilder();
        json.Append("{\"self\":\"").Append(node.Name.Value).Append("\",\"nodes\":[").Append(NodeSnapshots.TakeJson(node));
        foreach (Task<string?> ask in asks)
        {
            if (await ask.ConfigureAwait(false) is { } answer)
            {
                json.Append(',').Append(answer);
            }
        }

        return json.Append("]}").ToString();
    }

    private static async Task<string?> AskAsync(PartisanNode node, NodeName member, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await node.CallAsync<string>(ProcessRef.ForName(DashboardAgent.ProcessName, member), DashboardAgent.SnapshotRequest, default, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CallException)
        {
            return null; // down, unreachable, or no agent there
        }
    }
}
