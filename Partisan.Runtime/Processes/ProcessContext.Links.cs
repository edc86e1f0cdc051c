namespace Partisan;

/// <content>Links, exit signals and <c>trap_exit</c>, as seen from inside a process.</content>
public sealed partial class ProcessContext
{
    /// <summary>
    /// Erlang's <c>process_flag(trap_exit, ...)</c>: while true, exit signals arrive as <see cref="Partisan.Exit"/>
    /// messages instead of ending this process (except <see cref="ExitReason.Kill"/> sent with <c>exit/2</c>).
    /// </summary>
    public bool TrapExit
    {
        get => _process.TrapExit;
        set => _process.TrapExit = value;
    }

    /// <summary>Links this process with <paramref name="other"/> (on any node); see <see cref="PartisanNode.Link"/>.</summary>
    public void Link(Pid other) => Node.Link(Self, other);

    /// <summary>Removes the link with <paramref name="other"/>; no exit signal from that link arrives afterwards.</summary>
    public void Unlink(Pid other) => Node.Unlink(Self, other);

    /// <summary>Spawns a process linked to this one (Erlang's <c>spawn_link</c>): the link exists before its body runs.</summary>
    public Pid SpawnLink(Func<ProcessContext, Task> body, string? name = null) => Node.SpawnLink(Self, body, name);

    /// <summary>Sends an exit signal from this process to <paramref name="target"/> (Erlang's <c>exit/2</c>).</summary>
    public void Exit(ProcessRef target, ExitReason reason) => Node.Exit(Self, target, reason);

    /// <summary>The reason this process was told to exit with from outside (an exit signal, <c>PartisanNode.Exit</c>), or null.</summary>
    internal ExitReason? ExitSignalReason => _process.Reason;
}
