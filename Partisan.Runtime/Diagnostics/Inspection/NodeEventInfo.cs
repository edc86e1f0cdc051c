namespace Partisan.Diagnostics.Inspection;

/// <summary>A node coming up or going down, as this node saw it.</summary>
/// <param name="At">When (the node's clock).</param>
/// <param name="Node">The node.</param>
/// <param name="Up">True for up, false for down.</param>
/// <param name="Reason">Why it went down (<c>noconnection</c>, <c>left</c>...); null for up.</param>
public sealed record NodeEventInfo(DateTimeOffset At, NodeName Node, bool Up, string? Reason);
