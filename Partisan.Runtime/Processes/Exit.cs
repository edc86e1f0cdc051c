namespace Partisan;

/// <summary>
/// An exit signal turned into a message: what a process that traps exits (<see cref="ProcessContext.TrapExit"/>)
/// receives instead of exiting; Erlang's <c>{'EXIT', From, Reason}</c>.
/// </summary>
/// <param name="From">The process the signal came from: a linked process that exited, or the sender of
/// <c>exit/2</c>.</param>
/// <param name="Reason">Its exit reason (<c>noconnection</c> when the link was lost with its node, <c>noproc</c> when
/// a link was made to a process that did not exist).</param>
public sealed record Exit(Pid From, ExitReason Reason);
