namespace Partisan.Diagnostics.Inspection;

/// <summary>One process of this node, at the moment it was read.</summary>
/// <param name="Pid">The process.</param>
/// <param name="RegisteredName">The name it is registered under, or null.</param>
/// <param name="MailboxDepth">Messages waiting in its mailbox.</param>
/// <param name="Behaviour">The type name of the behaviour running it (a GenServer or state machine class), or null for a plain body.</param>
public sealed record ProcessInfo(Pid Pid, string? RegisteredName, int MailboxDepth, string? Behaviour);
