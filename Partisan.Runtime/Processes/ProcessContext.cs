using System.Diagnostics.CodeAnalysis;
using Partisan.Processes;

namespace Partisan;

/// <summary>
/// What a process body sees: its pid, its node, its mailbox. Messages are received one at a time in
/// arrival order. When the process is told to exit (<see cref="PartisanNode.Exit(ProcessRef, ExitReason)"/>), <see cref="Stopping"/>
/// is cancelled and pending receives throw <see cref="OperationCanceledException"/>.
/// </summary>
public sealed partial class ProcessContext
{
    private readonly LocalProcess _process;

    internal ProcessContext(PartisanNode node, LocalProcess process)
    {
        Node = node;
        _process = process;
    }

    /// <summary>This process's pid.</summary>
    public Pid Self => _process.Pid;

    /// <summary>The node the process runs on.</summary>
    public PartisanNode Node { get; }

    /// <summary>The name the process is registered under, or null.</summary>
    internal string? RegisteredName => _process.Name;

    /// <summary>Records the behaviour running this process (GenServer, state machine) for <c>PartisanNode.Processes()</c>.</summary>
    internal void SetBehaviour(Type behaviour) => _process.Behaviour = behaviour;

    /// <summary>Cancelled when the process is told to exit or the node stops.</summary>
    public CancellationToken Stopping => _process.Stopping;

    /// <summary>True once the process has been told to exit (<see cref="Stopping"/> is cancelled), without making the token.</summary>
    internal bool IsStopping => _process.IsStopping;

    /// <summary>
    /// Completes with the final exit reason once the node has cleaned up after this process: it is out of the
    /// process table, its name is unregistered, its monitors have fired and its mailbox is drained.
    /// </summary>
    internal Task<ExitReason> Exited => _process.Exited;

    /// <summary>Waits for the next message.</summary>
    public ValueTask<object> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        // A process told to stop is woken by its mailbox closing (TryTerminate closes it before cancelling Stopping); with
        // no token, the wait is the mailbox itself (nothing allocated), and a message already there is returned at once.
        if (_process.IsStopping)
        {
            return ValueTask.FromCanceled<object>(_process.Stopping);
        }

        return cancellationToken.CanBeCanceled ? _process.Mailbox.ReceiveCancellableAsync(cancellationToken) : _process.Mailbox.ReceiveAsync();
    }

    /// <summary>Waits up to <paramref name="timeout"/> (on the node's clock) for the next message; null on timeout.</summary>
    public async ValueTask<object?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (TryReceive(out object? ready))
        {
            return ready;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_process.IsStopping)
        {
            throw new OperationCanceledException("The process is exiting.", _process.Stopping);
        }

        using var timer = new CancellationTokenSource(timeout, Node.TimeProvider);
        using CancellationTokenSource? linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token) : null;
        try
        {
            return await _process.Mailbox.ReceiveCancellableAsync(linked?.Token ?? timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_process.IsStopping)
        {
            return null;
        }
    }

    /// <summary>Takes the next message if one is waiting.</summary>
    public bool TryReceive([NotNullWhen(true)] out object? message) => _process.Mailbox.TryTake(out message);

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> (on any node).</summary>
    public bool Send(ProcessRef target, object message) => Node.Send(target, message);

    /// <summary>Monitors <paramref name="target"/>: a <see cref="Down"/> arrives in this mailbox when it exits or becomes unreachable.</summary>
    public Ref Monitor(ProcessRef target) => Node.Monitor(Self, target);

    /// <summary>Stops monitoring.</summary>
    public bool Demonitor(Ref monitorRef) => Node.Demonitor(monitorRef);

    /// <summary>Ends this process with <paramref name="reason"/> (throws to unwind the body).</summary>
    [DoesNotReturn]
    public void Exit(ExitReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        _process.TryTerminate(reason);
        throw new OperationCanceledException("The process exited: " + reason, _process.Stopping);
    }
}
