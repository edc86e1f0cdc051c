using Partisan.Channels;
using Partisan.Monitoring;
using Partisan.Processes;
using Partisan.Routing;

namespace Partisan;

/// <content>Links and exit signals (Erlang's <c>link</c>, <c>unlink</c>, <c>spawn_link</c>, <c>exit/2</c>).</content>
public sealed partial class PartisanNode
{
    /// <summary>
    /// Links the local process <paramref name="self"/> with <paramref name="other"/> (on any node), both ways: when either
    /// exits, the other gets an exit signal with its reason, and exits too unless the reason is <c>normal</c> or it traps
    /// exits (<see cref="ProcessContext.TrapExit"/>: it gets an <see cref="Partisan.Exit"/> message instead). If the other's node is
    /// lost, the signal's reason is <c>noconnection</c>. Linking to a process that does not exist sends <paramref name="self"/>
    /// a <c>noproc</c> signal at once. Linking twice is linking once.
    /// </summary>
    public void Link(Pid self, Pid other)
    {
        CheckLocal(self);
        Links.Link(self, other);
    }

    /// <summary>Removes the link between the local process <paramref name="self"/> and <paramref name="other"/>; no signal from it arrives afterwards.</summary>
    public void Unlink(Pid self, Pid other)
    {
        CheckLocal(self);
        Links.Unlink(self, other);
    }

    /// <summary>
    /// Spawns a process linked to <paramref name="parent"/> (Erlang's <c>spawn_link</c>): the link exists before the body runs,
    /// so neither can exit unnoticed by the other. If <paramref name="parent"/> does not exist, the new process gets a
    /// <c>noproc</c> signal and exits with it.
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid or already registered.</exception>
    public Pid SpawnLink(Pid parent, Func<ProcessContext, Task> body, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SpawnCore(body, name, parent);
    }

    /// <summary>
    /// Sends an exit signal from the local process <paramref name="from"/> to <paramref name="target"/> (on any node; Erlang's
    /// <c>exit(Target, Reason)</c> called by <paramref name="from"/>): the target exits with <paramref name="reason"/>, or gets
    /// an <see cref="Partisan.Exit"/> message if it traps exits; <c>normal</c> is ignored (unless sent to oneself); and
    /// <see cref="ExitReason.Kill"/> kills it with <c>killed</c> whether it traps exits or not.
    /// </summary>
    public void Exit(Pid from, ProcessRef target, ExitReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        CheckLocal(from);
        Links.SendExit(from, target, reason);
    }

    internal LinkRegistry Links { get; }

    internal bool TryGetLocalProcess(Pid pid, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LocalProcess? process)
    {
        process = pid.Node == Name && _processes.TryGet(pid.Id, out IMessageTarget? target) ? target as LocalProcess : null;
        return process is not null;
    }

    internal void TerminateLocal(LocalProcess process, ExitReason reason) => Terminate(process, reason);

    /// <summary>Sends a link control message on the default channel, keyed by its receiver like the messages sent to it.</summary>
    internal bool SendSignal(NodeName node, object message, ProcessRef receiver) =>
        _router.SendControl(node, message, ChannelOptions.DefaultName, PartitionHash.Of(receiver));
}
