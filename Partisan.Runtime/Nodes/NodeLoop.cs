using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Partisan.Diagnostics;

namespace Partisan;

/// <summary>
/// The node's control loop: one task on which connection and overlay state change, one work item at a
/// time, so neither needs locks. Senders never wait on it; they read snapshots the loop publishes.
/// Urgent work (deciding an inbound handshake) runs before the normal queue, so a backlog of gossip never
/// makes a handshake time out.
/// </summary>
internal sealed class NodeLoop
{
    private static readonly Func<Task> Wake = static () => Task.CompletedTask;
    private readonly Channel<Func<Task>> _work = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<Func<Task>> _urgent = new();
    private readonly ILogger _logger;
    private Task? _run;

    public NodeLoop(ILogger logger) => _logger = logger;

    /// <summary>Starts running work items.</summary>
    public void Start() => _run = Task.Run(RunAsync, CancellationToken.None);

    private async Task RunAsync()
    {
        while (await _work.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_urgent.TryDequeue(out Func<Task>? next) || _work.Reader.TryRead(out next))
            {
                await RunQuietly(next).ConfigureAwait(false);
            }
        }

        while (_urgent.TryDequeue(out Func<Task>? left))
        {
            await RunQuietly(left).ConfigureAwait(false);
        }
    }

    private async Task RunQuietly(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LoopWorkFailed(_logger, ex);
        }
    }

    /// <summary>Runs <paramref name="function"/> on the loop before any queued normal work, and completes with its result.</summary>
    public Task<T> InvokeUrgentAsync<T>(Func<T> function)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _urgent.Enqueue(() =>
        {
            try
            {
                done.TrySetResult(function());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }

            return Task.CompletedTask;
        });
        if (!_work.Writer.TryWrite(Wake))
        {
            done.TrySetException(new ObjectDisposedException(nameof(PartisanNode), "The node has stopped."));
        }

        return done.Task;
    }

    /// <summary>Runs <paramref name="action"/> on the loop later; false once the loop has stopped.</summary>
    public bool Post(Action action) => _work.Writer.TryWrite(() =>
    {
        action();
        return Task.CompletedTask;
    });

    /// <summary>Runs <paramref name="action"/> on the loop and completes when it has run.</summary>
    public Task InvokeAsync(Action action) => InvokeAsync<bool>(() =>
    {
        action();
        return true;
    });

    /// <summary>Runs <paramref name="function"/> on the loop and completes with its result (or its exception).</summary>
    public Task<T> InvokeAsync<T>(Func<T> function)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = _work.Writer.TryWrite(() =>
        {
            try
            {
                done.TrySetResult(function());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }

            return Task.CompletedTask;
        });
        if (!posted)
        {
            done.TrySetException(new ObjectDisposedException(nameof(PartisanNode), "The node has stopped."));
        }

        return done.Task;
    }

    /// <summary>Runs the asynchronous <paramref name="function"/> on the loop (nothing else runs until it completes).</summary>
    public Task InvokeAsync(Func<Task> function)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = _work.Writer.TryWrite(async () =>
        {
            try
            {
                await function().ConfigureAwait(false);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        if (!posted)
        {
            done.TrySetException(new ObjectDisposedException(nameof(PartisanNode), "The node has stopped."));
        }

        return done.Task;
    }

    /// <summary>Stops accepting work and waits for what was queued to run.</summary>
    public async Task StopAsync()
    {
        _work.Writer.TryComplete();
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }
    }
}
