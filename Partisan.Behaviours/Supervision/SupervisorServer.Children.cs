using System.Diagnostics.CodeAnalysis;

namespace Partisan;

/// <content>Stopping one child, and the child operations (<c>which_children</c>, <c>terminate_child</c>, ...).</content>
internal sealed partial class SupervisorServer
{
    /// <summary>
    /// Stops a running child as OTP does: unlink (so its exit is not taken for a crash), then <c>kill</c> at once for
    /// brutal kill, else <c>shutdown</c> and <c>kill</c> if it has not exited within the timeout on the node's clock.
    /// </summary>
    private static async Task StopChildAsync(Child child, GenServerContext context)
    {
        if (child.Pid is not { } pid)
        {
            return;
        }

        child.Pid = null;
        Task<ExitReason> exited = context.Node.WhenExited(pid);
        context.Process.Unlink(pid);
        ChildShutdown shutdown = child.Spec.EffectiveShutdown;
        if (shutdown.IsBrutalKill)
        {
            context.Process.Exit(pid, ExitReason.Kill);
            await exited.ConfigureAwait(false);
            return;
        }

        context.Process.Exit(pid, ExitReason.Shutdown);
        if (shutdown.Timeout is not { } timeout)
        {
            await exited.ConfigureAwait(false);
            return;
        }

        using var expired = new CancellationTokenSource(timeout, context.Time);
        await Task.WhenAny(exited, Task.Delay(Timeout.InfiniteTimeSpan, expired.Token)).ConfigureAwait(false);
        if (!exited.IsCompleted)
        {
            context.Process.Exit(pid, ExitReason.Kill);
            await exited.ConfigureAwait(false);
        }
    }

    private ChildInfo[] WhichChildren() =>
        _children.ConvertAll(c => new ChildInfo(c.Spec.Id, c.Pid, c.Spec.Kind, c.Spec.Restart)).ToArray();

    private async Task<object> TerminateChildAsync(string id, GenServerContext context)
    {
        int index = _children.FindIndex(c => c.Spec.Id == id);
        if (index < 0)
        {
            return new ChildError("not_found", id);
        }

        Child child = _children[index];
        await StopChildAsync(child, context).ConfigureAwait(false);
        if (child.Spec.Restart == RestartType.Temporary)
        {
            _children.RemoveAt(index);
        }

        return true;
    }

    [SuppressMessage("Design", "CA1031", Justification = "A failed start is the caller's answer, not the supervisor's crash.")]
    private async Task<object> RestartChildAsync(string id, GenServerContext context)
    {
        Child? child = Find(id);
        if (child is null)
        {
            return new ChildError("not_found", id);
        }

        if (child.Pid is not null)
        {
            return new ChildError("running", id);
        }

        return await TryStartAsync(child, context).ConfigureAwait(false);
    }

    private async Task<object> AddChildAsync(ChildSpec spec, GenServerContext context)
    {
        if (Find(spec.Id) is not null)
        {
            return new ChildError("already_present", spec.Id);
        }

        var child = new Child(spec);
        object result = await TryStartAsync(child, context).ConfigureAwait(false);
        if (result is Pid)
        {
            _children.Add(child); // OTP keeps a child whose start failed out of the list
        }

        return result;
    }

    [SuppressMessage("Design", "CA1031", Justification = "A failed start is the caller's answer, not the supervisor's crash.")]
    private static async Task<object> TryStartAsync(Child child, GenServerContext context)
    {
        try
        {
            await StartChildAsync(child, context).ConfigureAwait(false);
            return child.Pid!.Value;
        }
        catch (Exception ex)
        {
            return new ChildError("start_failed: " + ex.Message, child.Spec.Id);
        }
    }

    private object DeleteChild(string id)
    {
        int index = _children.FindIndex(c => c.Spec.Id == id);
        if (index < 0)
        {
            return new ChildError("not_found", id);
        }

        if (_children[index].Pid is not null)
        {
            return new ChildError("running", id);
        }

        _children.RemoveAt(index);
        return true;
    }
}
