namespace Partisan.Dashboard;

/// <summary>
/// The process every node of a cluster runs so that any node's dashboard can show it: registered as
/// <see cref="ProcessName"/>, it answers a call with the node's <see cref="NodeSnapshot"/> as JSON (a string, so no
/// message type needs registering).
/// </summary>
public static class DashboardAgent
{
    /// <summary>The agent's registered name.</summary>
    public const string ProcessName = "partisan_dashboard";

    /// <summary>What a dashboard sends the agent.</summary>
    public const string SnapshotRequest = "snapshot";

    /// <summary>Starts the agent on <paramref name="node"/> unless it runs already.</summary>
    public static void Start(PartisanNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        foreach (Diagnostics.Inspection.ProcessInfo process in node.Processes())
        {
            if (process.RegisteredName == ProcessName)
            {
                return;
            }
        }

        try
        {
            node.Spawn(RunAsync, ProcessName);
        }
        catch (ArgumentException)
        {
            // Started concurrently by someone else: one agent is enough.
        }
    }

    private static async Task RunAsync(ProcessContext process)
    {
        while (true)
        {
            object message = await process.ReceiveAsync().ConfigureAwait(false);
            if (message is CallRequest call)
            {
                process.Node.HandleFor(call).Reply(NodeSnapshots.TakeJson(process.Node));
            }
        }
    }
}
