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

    /// <summary>
    /// Completes with the final exit reason once the node has cleaned up after this process: it is out of the
    /// process table, its name is unregistered, its monitors have fired and its mailbox is drained.
    /// </summary>
    internal Task<ExitReason> Exited => _process.Exited;

    /// <summary>Waits for the next message.</summary>
    public ValueTask<object> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return ReadMailboxAsync();
        }

        return ReceiveLinkedAsync(cancellationToken);
    }

    // The common wait, with no token: the mailbox then reuses its single reader's wait instead of allocating one per wait,
    // and a message already there costs no async method at all. A process told to stop is woken by its mailbox closing
    // (TryTerminate completes it before cancelling Stopping).
    private ValueTask<object> ReadMailboxAsync()
    {
        if (_process.Stopping.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<object>(_process.Stopping);
        }

        ValueTask<object> read = _process.Mailbox.ReadAsync(CancellationToken.None);
        if (read.IsCompletedSuccessfully)
        {
            _process.Taken();
            return read;
        }

        return AwaitReadAsync(read);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<object> AwaitReadAsync(ValueTask<object> read)
    {
        try
        {
            object message = await read.ConfigureAwait(false);
            _process.Taken();
            return message;
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            throw new OperationCanceledException("The process is exiting.", ex, _process.Stopping);
        }
    }

    private async ValueTask<object> ReceiveLinkedAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _process.Stopping);
        return await ReadAsync(linked.Token).ConfigureAwait(false);
    }

    private async ValueTask<object> ReadAsync(CancellationToken token)
    {
        try
        {
            object message = await _process.Mailbox.ReadAsync(token).ConfigureAwait(false);
            _process.Taken();
            return message;
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            throw new OperationCanceledException("The process is exiting.", ex, _process.Stopping);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> (on the node's clock) for the next message; null on timeout.</summary>
    public async ValueTask<object?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (TryReceive(out object? ready))
        {
            return ready;
        }

        using var timer = new CancellationTokenSource(timeout, Node.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _process.Stopping, timer.Token);
        try
        {
            return await ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_process.Stopping.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Takes the next message if one is waiting.</summary>
    public bool TryReceive([NotNullWhen(true)] out object? message)
    {
        if (!_process.Mailbox.TryRead(out message))
        {
            return false;
        }

        _process.Taken();
        return true;
    }

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
