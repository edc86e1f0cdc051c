namespace Partisan;

/// <content>Monitors for code that is not a process: an awaitable <see cref="Down"/>.</content>
public sealed partial class PartisanNode
{
    /// <summary>
    /// Monitors <paramref name="target"/> (a pid or a registered name, on any node) from code that is not a process, and
    /// completes with its <see cref="Down"/>: the target's exit reason, <c>noproc</c> at once if it does not exist, or
    /// <c>noconnection</c> when its node is lost. The monitor is in place when this method returns, so an exit after the
    /// call is never missed. Behind it is a one-message inbox process that exits with the task.
    /// </summary>
    /// <param name="target">The process to watch.</param>
    /// <param name="cancellationToken">Stops watching: the monitor is removed and the task is canceled.</param>
    /// <returns>The <see cref="Down"/> the monitor delivered.</returns>
    /// <exception cref="OperationCanceledException">Canceled, or this node stopped first.</exception>
    public Task<Down> MonitorAsync(ProcessRef target, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var down = new TaskCompletionSource<Down>(TaskCreationOptions.RunContinuationsAsynchronously);
        var monitor = new TaskCompletionSource<Ref>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid inbox = Spawn(context => ReceiveDownAsync(context, monitor.Task, down, cancellationToken));
        monitor.SetResult(Monitor(inbox, target));
        return down.Task;
    }

    private static async Task ReceiveDownAsync(ProcessContext context, Task<Ref> monitor, TaskCompletionSource<Down> down, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // The inbox's only monitor is the caller's, so the first Down is the answer; nothing else is sent to it.
                if (await context.ReceiveAsync(cancellationToken).ConfigureAwait(false) is Down notice)
                {
                    down.TrySetResult(notice);
                    return;
                }
            }
        }
        finally
        {
            if (!down.Task.IsCompleted)
            {
                // Canceled, or the node stopped under the inbox. A monitor of a local target outlives its watcher's exit,
                // so it is removed here; and the caller must not wait for ever.
                context.Demonitor(await monitor.ConfigureAwait(false));
                down.TrySetCanceled(cancellationToken.IsCancellationRequested ? cancellationToken : CancellationToken.None);
            }
        }
    }
}
