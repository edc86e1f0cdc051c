namespace Partisan;

/// <summary>
/// OTP's gen_statem for Partisan: start a state machine process, call it, cast to it, stop it. Timeouts
/// run on the node's <see cref="TimeProvider"/>, so tests can drive them with virtual time.
/// </summary>
public static class GenStatem
{
    /// <summary>Starts a state machine on <paramref name="node"/>; returns its pid once init has completed.</summary>
    /// <exception cref="GenServerStartException">Init threw; the machine exited.</exception>
    public static Task<Pid> StartAsync<TState, TData>(PartisanNode node, Func<IGenStatem<TState, TData>> factory, string? name = null) =>
        StartCore(node, factory, name, null);

    /// <summary>Starts a state machine linked to <paramref name="parent"/> (OTP's <c>start_link</c>); see <see cref="GenServer.StartLinkAsync"/>.</summary>
    /// <exception cref="GenServerStartException">Init threw; the machine exited.</exception>
    public static Task<Pid> StartLinkAsync<TState, TData>(PartisanNode node, Pid parent, Func<IGenStatem<TState, TData>> factory, string? name = null) =>
        StartCore(node, factory, name, parent);

    private static Task<Pid> StartCore<TState, TData>(PartisanNode node, Func<IGenStatem<TState, TData>> factory, string? name, Pid? parent)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(factory);
        var started = new TaskCompletionSource<Pid>(TaskCreationOptions.RunContinuationsAsynchronously);
        Starting.Spawn(node, ctx => new GenStatemRunner<TState, TData>(ctx, factory).RunAsync(started), name, parent);
        return started.Task;
    }

    /// <summary>Starts a state machine and monitors it for <paramref name="watcher"/> (OTP's <c>start_monitor</c>).</summary>
    public static async Task<(Pid Pid, Ref Monitor)> StartMonitorAsync<TState, TData>(PartisanNode node, Pid watcher, Func<IGenStatem<TState, TData>> factory, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        Pid pid = await StartAsync(node, factory, name).ConfigureAwait(false);
        return (pid, node.Monitor(watcher, pid));
    }

    /// <summary>Calls the machine (an <see cref="EventType.Call"/> event) and returns the reply as <typeparamref name="TReply"/>.</summary>
    public static Task<TReply> CallAsync<TReply>(PartisanNode node, ProcessRef machine, object request, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GenServer.CallAsync<TReply>(node, machine, request, timeout, cancellationToken);

    /// <summary>Casts to the machine (an <see cref="EventType.Cast"/> event).</summary>
    public static bool Cast(PartisanNode node, ProcessRef machine, object request, ForwardOptions options = default) =>
        GenServer.Cast(node, machine, request, options);

    /// <summary>
    /// Stops the machine with <paramref name="reason"/> (default <c>normal</c>) and waits until it has exited (OTP's
    /// <c>gen_statem:stop</c>): when the task completes, terminate has run, the pid is dead and the name is unregistered.
    /// </summary>
    /// <exception cref="CalleeDownException">The machine did not exist, its node is down, or it exited with another reason
    /// than <paramref name="reason"/> (see <see cref="GenServer.StopAsync"/>).</exception>
    /// <exception cref="CallTimeoutException">It had not exited within <paramref name="timeout"/> (default: no limit).</exception>
    public static Task StopAsync(PartisanNode node, ProcessRef machine, ExitReason? reason = null, TimeSpan? timeout = null) =>
        GenServer.StopAsync(node, machine, reason, timeout);
}
