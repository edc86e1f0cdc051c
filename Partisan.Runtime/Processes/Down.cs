namespace Partisan;

/// <summary>
/// Delivered to a monitoring process when the monitored process exits, its node goes down, or the
/// connection to it is lost (reason <c>noconnection</c>); Erlang's <c>{'DOWN', Ref, process, Object, Reason}</c>.
/// </summary>
/// <param name="MonitorRef">The reference <c>PartisanNode.Monitor</c> returned.</param>
/// <param name="Target">The monitored process, as it was given.</param>
/// <param name="Reason">Why it went down.</param>
public sealed record Down(Ref MonitorRef, ProcessRef Target, ExitReason Reason);

/// <summary>Delivered to node monitors when a node connects; Erlang's <c>{nodeup, Node}</c>.</summary>
/// <param name="Node">The node.</param>
public sealed record NodeUp(NodeName Node);

/// <summary>Delivered to node monitors when a node disconnects; Erlang's <c>{nodedown, Node}</c>.</summary>
/// <param name="Node">The node.</param>
/// <param name="Reason">Why, e.g. <c>connection_closed</c>, <c>ping_timeout</c>, <c>left</c>.</param>
public sealed record NodeDown(NodeName Node, string Reason);
