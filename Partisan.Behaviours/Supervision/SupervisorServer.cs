using System.Diagnostics.CodeAnalysis;

namespace Partisan;

/// <summary>
/// The supervisor process, as a gen_server: it traps exits, starts its children in order at init, turns each child's
/// <see cref="Exit"/> into a restart by its strategy and intensity, answers the child operations, and stops its children
/// in reverse order when it terminates.
/// </summary>
internal sealed partial class SupervisorServer(SupervisorSpec spec, Pid? parent) : IGenServer
{
    /// <summary>The <c>shutdown</c> reason a supervisor exits with when its restart intensity is exceeded.</summary>
    internal static readonly ExitReason ReachedMaxRestartIntensity = new("shutdown", "reached_max_restart_intensity");

    private readonly List<Child> _children = new();
    private RestartIntensity _intensity = null!;

    /// <summary>One child: its spec and, while it runs, its pid.</summary>
    private sealed class Child(ChildSpec spec)
    {
        public ChildSpec Spec { get; } = spec;

        public Pid? Pid { get; set; }
    }

    public async ValueTask InitAsync(GenServerContext context)
    {
        context.Process.TrapExit = true;
        _intensity = new RestartIntensity(spec.Intensity, spec.Period, context.Time);
        foreach (ChildSpec child in spec.Children)
        {
            if (Find(child.Id) is not null)
            {
                throw new SupervisorException("already_present", child.Id);
            }

            _children.Add(new Child(child));
        }

        for (int i = 0; i < _children.Count; i++)
        {
            try
            {
                await StartChildAsync(_children[i], context).ConfigureAwait(false);
            }
            catch
            {
                await StopRangeAsync(0, i, context).ConfigureAwait(false);
                throw;
            }
        }
    }

    public async ValueTask<CallResult> HandleCallAsync(object request, CallHandle from, GenServerContext context) => request switch
    {
        WhichChildrenRequest => CallResult.Reply(WhichChildren()),
        TerminateChildRequest r => CallResult.Reply(await TerminateChildAsync(r.Id, context).ConfigureAwait(false)),
        RestartChildRequest r => CallResult.Reply(await RestartChildAsync(r.Id, context).ConfigureAwait(false)),
        StartChildRequest r => CallResult.Reply(await AddChildAsync(r.Spec, context).ConfigureAwait(false)),
        DeleteChildRequest r => CallResult.Reply(DeleteChild(r.Id)),
        _ => throw new InvalidOperationException($"A supervisor does not handle {request?.GetType().Name ?? "null"}."),
    };

    public ValueTask HandleCastAsync(object request, GenServerContext context) => ValueTask.CompletedTask;

    public async ValueTask HandleInfoAsync(object message, GenServerContext context)
    {
        if (message is not Exit exit)
        {
            return; // OTP's supervisor logs unexpected messages and goes on
        }

        if (exit.From == parent)
        {
            context.Stop(exit.Reason); // the parent is gone: so is the supervisor, children first (terminate)
            return;
        }

        int index = _children.FindIndex(c => c.Pid == exit.From);
        if (index < 0)
        {
            return; // a child already stopped or replaced, or a process it does not supervise
        }

        Child child = _children[index];
        child.Pid = null;
        if (!ShouldRestart(child.Spec.Restart, exit.Reason))
        {
            if (child.Spec.Restart == RestartType.Temporary)
            {
                _children.RemoveAt(index);
            }

            return;
        }

        await RestartAfterAsync(index, context).ConfigureAwait(false);
    }

    public async ValueTask TerminateAsync(ExitReason reason, GenServerContext context) =>
        await StopRangeAsync(0, _children.Count, context).ConfigureAwait(false);

    private static bool ShouldRestart(RestartType restart, ExitReason reason) => restart switch
    {
        RestartType.Permanent => true,
        RestartType.Transient => !reason.IsNormal,
        _ => false,
    };

    /// <summary>
    /// Restarts by the strategy after the child at <paramref name="index"/> exited. A start that fails counts as another
    /// restart, so a child that cannot start ends the supervisor once the intensity is exceeded.
    /// </summary>
    [SuppressMessage("Design", "CA1031", Justification = "A child's failed start is counted as a restart and retried, as OTP does.")]
    private async Task RestartAfterAsync(int index, GenServerContext context)
    {
        while (true)
        {
            if (!_intensity.TryRecordRestart())
            {
                context.Stop(ReachedMaxRestartIntensity);
                return;
            }

            (int first, int end) = spec.Strategy switch
            {
                RestartStrategy.OneForAll => (0, _children.Count),
                RestartStrategy.RestForOne => (index, _children.Count),
                _ => (index, index + 1),
            };

            await StopRangeAsync(first, end, context).ConfigureAwait(false);
            try
            {
                await StartRangeAsync(first, end, context).ConfigureAwait(false);
                return;
            }
            catch (Exception)
            {
                // retried (and counted) until it starts or the intensity is exceeded
            }
        }
    }

    private async Task StartRangeAsync(int first, int end, GenServerContext context)
    {
        for (int i = first; i < end && i < _children.Count; i++)
        {
            if (_children[i].Pid is null)
            {
                await StartChildAsync(_children[i], context).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops the running children in [<paramref name="first"/>, <paramref name="end"/>) in reverse order; temporary ones are removed.</summary>
    private async Task StopRangeAsync(int first, int end, GenServerContext context)
    {
        for (int i = Math.Min(end, _children.Count) - 1; i >= first; i--)
        {
            Child child = _children[i];
            await StopChildAsync(child, context).ConfigureAwait(false);
            if (child.Spec.Restart == RestartType.Temporary)
            {
                _children.RemoveAt(i);
            }
        }
    }

    private static async Task StartChildAsync(Child child, GenServerContext context)
    {
        Pid pid;
        using (LinkedStart.To(context.Self))
        {
            pid = await child.Spec.Start(context.Node).ConfigureAwait(false);
        }

        context.Process.Link(pid); // a start function that spawned a plain process; a child already dead sends noproc
        child.Pid = pid;
    }

    private Child? Find(string id) => _children.Find(c => c.Spec.Id == id);
}
