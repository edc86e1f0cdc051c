using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Monitoring;
using Partisan.Processes;
using Partisan.Routing;

namespace Partisan;

/// <content>Processes: spawning, exit and clean-up, registered names, and delivery to local mailboxes.</content>
public sealed partial class PartisanNode
{
    /// <summary>Spawns a process running <paramref name="body"/>, optionally registered as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or already registered.</exception>
    public Pid Spawn(Func<ProcessContext, Task> body, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SpawnCore(body, name, linkTo: null);
    }

    private Pid SpawnCore(Func<ProcessContext, Task> body, string? name, Pid? linkTo)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == 2, this);
        if (name is not null && RegisteredName.Validate(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }

        var pid = new Pid(Name, _processes.NextId());
        var process = new LocalProcess(this, pid, name, body);
        if (name is not null && !_processes.TryRegister(name, pid))
        {
            throw new ArgumentException($"The name '{name}' is already registered on {Name}.", nameof(name));
        }

        _processes.Add(pid.Id, process);
        if (linkTo is { } parent)
        {
            Links.Link(pid, parent); // before the body runs: a dead parent's noproc ends the child at once
        }

        process.Start();
        return pid;
    }

    /// <summary>
    /// Runs <paramref name="body"/> as <paramref name="process"/> up to its first wait (on a thread-pool thread with a
    /// clean execution context: a process does not run under its spawner's span or async locals). Returns the body's
    /// task while it runs, or null when it has already ended (and <see cref="EndBody"/> has run).
    /// </summary>
    internal Task? StartBody(LocalProcess process, Func<ProcessContext, Task> body)
    {
        Task? task;
        CurrentProcess.Value = process.Context;
        try
        {
            task = body(process.Context) ?? Task.FromException(new InvalidOperationException("The process body returned no task."));
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }
        finally
        {
            CurrentProcess.Value = null;
        }

        if (!task.IsCompleted)
        {
            return task;
        }

        EndBody(process, task);
        return null;
    }

    /// <summary>The body of <paramref name="process"/> ended: its exit reason from how, then the clean-up.</summary>
    internal void EndBody(LocalProcess process, Task body)
    {
        ExitReason reason = ExitReason.Normal;
        if (!body.IsCompletedSuccessfully)
        {
            // What an await of the task would have thrown.
            Exception error = body.IsCanceled ? new TaskCanceledException(body) : body.Exception!.InnerException ?? body.Exception!;
            if (error is OperationCanceledException && process.IsStopping)
            {
                reason = process.Reason ?? ExitReason.Killed;
            }
            else
            {
                reason = ExitReason.FromException(error);
                Log.ProcessFailed(_logger, process.Pid, error);
            }
        }

        try
        {
            Terminate(process, reason);
        }
        catch (Exception ex)
        {
            // Runs on a thread-pool work item or a task's continuation, where an exception would end the whole OS
            // process (a callback on the process's Stopping token that throws, say): logged instead.
            Log.ProcessFailed(_logger, process.Pid, ex);
        }
    }

    private void Terminate(LocalProcess process, ExitReason reason)
    {
        process.TryTerminate(reason);
        if (!process.BeginCleanup())
        {
            return;
        }

        ExitReason final = process.Reason ?? reason;

        // The name goes first: whoever finds the pid gone (a send, a call or a monitor by name failing) finds the
        // name free too, so a noproc never comes back while the dead process still holds its name.
        if (process.Name is not null)
        {
            _processes.Unregister(process.Name, process.Pid);
        }

        _processes.Remove(process.Pid.Id);
        Monitors.ProcessExited(process.Pid, final);
        Links.ProcessExited(process.Pid, final);
        while (process.Mailbox.TryTake(out object? unread))
        {
            if (unread is CallRequest call)
            {
                Calls.SendFailure(call.Tag, CallFailureReason(final), null, null);
            }
        }

        process.CompleteExit();
    }

    /// <summary>What a call that a process exiting with <paramref name="exit"/> never handled fails with.</summary>
    private static ExitReason CallFailureReason(ExitReason exit) => exit.IsNormal ? ExitReason.NoProc : exit;

    /// <summary>
    /// A call that reaches a process whose mailbox is already closed (it is exiting, its clean-up not yet done) fails
    /// like the calls left in its mailbox, but only once its exit is complete: failing it at once let the caller see
    /// noproc while the process was still alive and named (a second stop, or a call racing a stop, issue 10). OTP's
    /// call monitor likewise fires only after the process is dead.
    /// </summary>
    private bool FailAfterExit(IMessageTarget target, object message)
    {
        if (message is not CallRequest call || target is not LocalProcess process)
        {
            return false;
        }

        process.Exited.ContinueWith(
            static (exited, state) =>
            {
                var (node, tag) = ((PartisanNode, Ref))state!;
                node.Calls.SendFailure(tag, CallFailureReason(exited.Result), null, null);
            },
            (this, call.Tag),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return true;
    }

    /// <summary>Registers <paramref name="pid"/> (a local process) as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or taken, or the pid is not a live local process.</exception>
    public void Register(string name, Pid pid)
    {
        if (RegisteredName.Validate(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }

        if (pid.Node != Name || !IsAlive(pid))
        {
            throw new ArgumentException($"{pid} is not a live process of {Name}.", nameof(pid));
        }

        if (!_processes.TryRegister(name, pid))
        {
            throw new ArgumentException($"The name '{name}' is already registered on {Name}.", nameof(name));
        }
    }

    /// <summary>Removes a registered name; false if it was not registered.</summary>
    public bool Unregister(string name) => _processes.Unregister(name);

    /// <summary>The pid registered as <paramref name="name"/> on this node, or null.</summary>
    public Pid? WhereIs(string name) => _processes.TryGetByName(name, out Pid pid) ? pid : null;

    /// <summary>The names registered on this node.</summary>
    public IReadOnlyList<string> RegisteredNames => _processes.RegisteredNames();

    /// <summary>True when <paramref name="pid"/> is a live process (or reply slot) of this node.</summary>
    public bool IsAlive(Pid pid) => pid.Node == Name && _processes.TryGet(pid.Id, out _);

    /// <summary>Completes with the exit reason when the local process <paramref name="pid"/> ends (at once with <c>noproc</c> if it is not alive).</summary>
    public Task<ExitReason> WhenExited(Pid pid) =>
        pid.Node == Name && _processes.TryGet(pid.Id, out IMessageTarget? target) && target is LocalProcess process
            ? process.Exited
            : Task.FromResult(ExitReason.NoProc);

    /// <summary>Makes <paramref name="target"/> (on any node) exit with <paramref name="reason"/>.</summary>
    public void Exit(ProcessRef target, ExitReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (target.Node == Name)
        {
            ExitLocal(target, reason);
        }
        else
        {
            _router.SendControl(target.Node, new ExitSignal(target, reason), ChannelOptions.DefaultName, PartitionHash.Of(target));
        }
    }

    internal void ExitLocal(ProcessRef target, ExitReason reason)
    {
        if (TryResolveLocal(target, out Pid pid) && _processes.TryGet(pid.Id, out IMessageTarget? found) && found is LocalProcess process)
        {
            Terminate(process, reason);
        }
    }

    /// <summary>Adds a non-process message target (a reply slot); returns its pid.</summary>
    internal Pid AddTarget(IMessageTarget target)
    {
        var pid = new Pid(Name, _processes.NextId());
        _processes.Add(pid.Id, target);
        return pid;
    }

    /// <summary>Removes a target added with <see cref="AddTarget"/>, firing its monitors with <paramref name="reason"/>.</summary>
    internal void RemoveTarget(Pid pid, ExitReason reason)
    {
        if (_processes.Remove(pid.Id))
        {
            Monitors.ProcessExited(pid, reason);
        }
    }

    internal bool TryResolveLocal(ProcessRef target, out Pid pid)
    {
        if (target.Node != Name)
        {
            pid = default;
            return false;
        }

        if (target.IsPid)
        {
            pid = target.Pid;
            return true;
        }

        return _processes.TryGetByName(target.Name!, out pid);
    }

    internal bool DeliverLocal(ProcessRef target, object message)
    {
        IMessageTarget? found;
        if (target.IsPid)
        {
            if (target.Node != Name || !_processes.TryGet(target.Id, out found))
            {
                return false;
            }
        }
        else if (!TryResolveLocal(target, out Pid pid) || !_processes.TryGet(pid.Id, out found))
        {
            return false;
        }

        return found.Post(message) || FailAfterExit(found, message);
    }
}
