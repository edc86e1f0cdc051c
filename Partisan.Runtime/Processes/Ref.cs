namespace Partisan;

/// <summary>
/// A reference: a value unique in the cluster, made by <c>PartisanNode.MakeRef</c>; used to tag
/// monitors and call replies.
/// </summary>
/// <param name="Node">The node that made the reference.</param>
/// <param name="Id">The node-local id.</param>
public readonly record struct Ref(NodeName Node, long Id)
{
    /// <summary>Erlang-like text: <c>#Ref&lt;node.id&gt;</c>.</summary>
    public override string ToString() => $"#Ref<{Node}.{Id}>";
}
