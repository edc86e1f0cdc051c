namespace Partisan;

/// <summary>
/// A process identifier: the node the process lives on and a 64-bit id unique on that node
/// for the node's lifetime. Pids are plain values: they can be sent in messages to any node.
/// </summary>
/// <param name="Node">The node the process runs on.</param>
/// <param name="Id">The node-local id (never reused while the node runs).</param>
public readonly record struct Pid(NodeName Node, long Id)
{
    /// <summary>Erlang-like text: <c>&lt;node.id&gt;</c>.</summary>
    public override string ToString() => $"<{Node}.{Id}>";
}
