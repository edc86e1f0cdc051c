namespace Partisan;

/// <content>Process and node monitors (Erlang's <c>monitor</c>, <c>monitor_node</c>, <c>monitor_nodes</c>).</content>
public sealed partial class PartisanNode
{
    /// <summary>
    /// Monitors <paramref name="target"/> for the local process <paramref name="watcher"/>: it receives a <see cref="Down"/>
    /// when the target exits (<c>noproc</c> if it does not exist), or its node is disconnected (<c>noconnection</c>).
    /// </summary>
    public Ref Monitor(Pid watcher, ProcessRef target)
    {
        CheckLocal(watcher);
        return Monitors.Monitor(watcher, target);
    }

    /// <summary>Removes a monitor; false if it was not active (already fired or removed).</summary>
    public bool Demonitor(Ref monitorRef) => Monitors.Demonitor(monitorRef);

    /// <summary>Erlang's <c>monitor_node</c>: <paramref name="watcher"/> gets a <see cref="NodeDown"/> when <paramref name="node"/> disconnects (at once if it is not connected).</summary>
    public void MonitorNode(Pid watcher, NodeName node, bool enable = true)
    {
        CheckLocal(watcher);
        Monitors.MonitorNode(watcher, node, enable);
    }

    /// <summary>Erlang's <c>monitor_nodes</c>: <paramref name="watcher"/> gets <see cref="NodeUp"/> and <see cref="NodeDown"/> for every node.</summary>
    public void MonitorNodes(Pid watcher, bool enable = true)
    {
        CheckLocal(watcher);
        Monitors.MonitorNodes(watcher, enable);
    }

    private void CheckLocal(Pid watcher)
    {
        if (watcher.Node != Name)
        {
            throw new ArgumentException($"The watcher {watcher} is not a process of {Name}.", nameof(watcher));
        }
    }
}
