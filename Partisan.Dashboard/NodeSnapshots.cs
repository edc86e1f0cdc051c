using System.Text.Json;
using Partisan.Diagnostics.Inspection;

namespace Partisan.Dashboard;

/// <summary>Takes a node's <see cref="NodeSnapshot"/> from its inspection API.</summary>
public static class NodeSnapshots
{
    /// <summary>The snapshot of <paramref name="node"/> now.</summary>
    public static NodeSnapshot Take(PartisanNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        OverlayViewInfo view = node.OverlayView();
        IReadOnlyList<ConnectionInfo> connections = node.Connections();
        IReadOnlyList<ProcessInfo> processes = node.Processes();
        IReadOnlyList<NodeEventInfo> events = node.RecentNodeEvents();

        var connectionViews = new ConnectionView[connections.Count];
        for (int i = 0; i < connectionViews.Length; i++)
        {
            ConnectionInfo c = connections[i];
            connectionViews[i] = new ConnectionView(c.Peer.Value, c.Channel, c.Index, c.State.ToString(), c.BytesSent, c.BytesReceived, c.MessagesSent, c.MessagesReceived, c.QueuedBytes);
        }

        var processViews = new ProcessView[processes.Count];
        for (int i = 0; i < processViews.Length; i++)
        {
            ProcessInfo p = processes[i];
            processViews[i] = new ProcessView(p.Pid.ToString(), p.RegisteredName, p.MailboxDepth, p.Behaviour);
        }

        var eventViews = new EventView[events.Count];
        for (int i = 0; i < eventViews.Length; i++)
        {
            NodeEventInfo e = events[i];
            eventViews[i] = new EventView(e.At.ToUnixTimeMilliseconds(), e.Node.Value, e.Up, e.Reason);
        }

        return new NodeSnapshot(
            node.Name.Value,
            node.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            view.Overlay,
            Names(view.Members),
            Names(view.Neighbours),
            view.PassiveView is null ? null : Names(view.PassiveView),
            connectionViews,
            processViews,
            eventViews);
    }

    /// <summary>The snapshot of <paramref name="node"/> as JSON.</summary>
    public static string TakeJson(PartisanNode node) => JsonSerializer.Serialize(Take(node), DashboardJson.Default.NodeSnapshot);

    private static string[] Names(IReadOnlyList<NodeName> names)
    {
        var result = new string[names.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = names[i].Value;
        }

        return result;
    }
}
