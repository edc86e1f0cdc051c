namespace Partisan.Membership;

/// <summary>One add of a node: the dot that tags it and the spec it added.</summary>
/// <param name="Dot">The event id.</param>
/// <param name="Spec">The spec added.</param>
internal readonly record struct DottedSpec(Dot Dot, NodeSpec Spec);

/// <summary>The surviving adds of one node name, sorted by dot; never empty inside a state.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Dots">The surviving adds.</param>
internal readonly record struct NameEntry(NodeName Name, DottedSpec[] Dots);
