using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Partisan.Diagnostics;

namespace Partisan;

/// <summary>
/// OTP's gen_server for Partisan: start a server process, call it, cast to it, stop it. Also a base
/// class for hand-written servers (every callback defaults to doing nothing; an unexpected call fails).
/// </summary>
public abstract class GenServer : IGenServer
{
    /// <inheritdoc />
    public virtual ValueTask InitAsync(GenServerContext context) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual ValueTask<CallResult> HandleCallAsync(object request, CallHandle from, GenServerContext context) =>
        throw new InvalidOperationException($"{GetType().Name} does not handle calls of {request?.GetType().Name ?? "null"}.");

    /// <inheritdoc />
    public virtual ValueTask HandleCastAsync(object request, GenServerContext context) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual ValueTask HandleInfoAsync(object message, GenServerContext context) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual ValueTask TerminateAsync(ExitReason reason, GenServerContext context) => ValueTask.CompletedTask;

    /// <summary>
    /// Starts a server on <paramref name="node"/>, optionally registered as <paramref name="name"/>; returns its pid once
    /// <see cref="IGenServer.InitAsync"/> has completed.
    /// </summary>
    /// <exception cref="GenServerStartException">Init threw; the server exited.</exception>
    public static Task<Pid> StartAsync(PartisanNode node, Func<IGenServer> factory, string? name = null) => StartCore(node, factory, name, null);

    /// <summary>
    /// Starts a server linked to <paramref name="parent"/> (OTP's <c>start_link</c>): the link exists before init runs, so
    /// a crash of either reaches the other. Generated servers start linked inside a <see cref="LinkedStart"/> scope.
    /// </summary>
    /// <exception cref="GenServerStartException">Init threw; the server exited.</exception>
    public static Task<Pid> StartLinkAsync(PartisanNode node, Pid parent, Func<IGenServer> factory, string? name = null) => StartCore(node, factory, name, parent);

    private static Task<Pid> StartCore(PartisanNode node, Func<IGenServer> factory, string? name, Pid? parent)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(factory);
        var started = new TaskCompletionSource<Pid>(TaskCreationOptions.RunContinuationsAsynchronously);
        Starting.Spawn(node, ctx => RunAsync(ctx, factory, started), name, parent);
        return started.Task;
    }

    /// <summary>Starts a server and monitors it for <paramref name="watcher"/> (OTP's <c>start_monitor</c>).</summary>
    public static async Task<(Pid Pid, Ref Monitor)> StartMonitorAsync(PartisanNode node, Pid watcher, Func<IGenServer> factory, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        Pid pid = await StartAsync(node, factory, name).ConfigureAwait(false);
        return (pid, node.Monitor(watcher, pid));
    }

    /// <summary>Calls <paramref name="server"/> and returns its reply (default timeout 5 s).</summary>
    public static Task<object?> CallAsync(PartisanNode node, ProcessRef server, object request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.CallAsync(server, request, timeout, cancellationToken);
    }

    /// <summary>Calls <paramref name="server"/> and returns its reply as <typeparamref name="TReply"/>.</summary>
    /// <exception cref="CallFailedException">The reply is not a <typeparamref name="TReply"/>.</exception>
    public static Task<TReply> CallAsync<TReply>(PartisanNode node, ProcessRef server, object request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.CallAsync<TReply>(server, request, default, timeout, cancellationToken);
    }

    /// <summary>Calls with channel and partition-key options.</summary>
    public static Task<TReply> CallAsync<TReply>(PartisanNode node, ProcessRef server, object request, ForwardOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.CallAsync<TReply>(server, request, options, timeout, cancellationToken);
    }

    /// <summary>Casts <paramref name="request"/> to <paramref name="server"/> (fire and forget).</summary>
    public static bool Cast(PartisanNode node, ProcessRef server, object request, ForwardOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Cast(server, request, options);
    }

    /// <summary>
    /// Stops <paramref name="server"/> with <paramref name="reason"/> (default <c>normal</c>) and waits until it has exited
    /// (OTP's <c>gen_server:stop</c>): when the task completes, terminate has run, the pid is dead and the name is
    /// unregistered on the server's node, so a new server can be started under that name at once.
    /// </summary>
    /// <exception cref="CalleeDownException">The server did not exist (<c>noproc</c>), its node is down (<c>noconnection</c>),
    /// or it exited with another reason than <paramref name="reason"/> (its terminate threw, or it was killed meanwhile);
    /// <see cref="CalleeDownException.Reason"/> is that reason. The server is gone in every case.</exception>
    /// <exception cref="CallTimeoutException">It had not exited within <paramref name="timeout"/> (default: no limit).</exception>
    public static Task StopAsync(PartisanNode node, ProcessRef server, ExitReason? reason = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.CallAsync(server, new StopRequest(reason ?? ExitReason.Normal), timeout ?? Timeout.InfiniteTimeSpan);
    }

    [SuppressMessage("Design", "CA1031", Justification = "Any failure of a callback stops the server with that error, as in OTP.")]
    private static async Task RunAsync(ProcessContext process, Func<IGenServer> factory, TaskCompletionSource<Pid> started)
    {
        var context = new GenServerContext(process);
        IGenServer server;
        try
        {
            server = factory();
            process.SetBehaviour(server.GetType());
            await server.InitAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Starting.FailAfterExit(process, started, new GenServerStartException($"The server failed to start: {ex.Message}", ex));
            throw;
        }

        started.TrySetResult(process.Self);

        // The state machine of this method is what an idle server holds: let go of what only the start needed.
        started = null!;
        factory = null!;
        ExitReason reason = ExitReason.Normal;
        try
        {
            while (context.StopReason is null)
            {
                object message = await process.ReceiveAsync().ConfigureAwait(false);
                switch (message)
                {
                    case CallRequest { Request: StopRequest stop } call:
                        StopReply.AfterExit(process, process.Node.HandleFor(call), stop.Reason);
                        context.Stop(stop.Reason);
                        break;
                    case CallRequest call:
                        await HandleTracedCallAsync(server, context, process, call).ConfigureAwait(false);
                        break;
                    case CastRequest cast:
                        await HandleTracedCastAsync(server, context, process, cast).ConfigureAwait(false);
                        break;
                    default:
                        await server.HandleInfoAsync(message, context).ConfigureAwait(false);
                        break;
                }
            }

            reason = context.StopReason;
        }
        catch (OperationCanceledException) when (process.IsStopping)
        {
            reason = process.ExitSignalReason ?? ExitReason.Killed; // told to exit from outside: terminate still runs, with that reason
        }
        catch (Exception ex)
        {
            reason = ExitReason.FromException(ex);
        }

        try
        {
            await server.TerminateAsync(reason, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            reason = ExitReason.FromException(ex);
        }

        context.FailOutstanding(reason);
        if (reason != ExitReason.Normal)
        {
            process.Exit(reason);
        }
    }

    private static async Task HandleTracedCallAsync(IGenServer server, GenServerContext context, ProcessContext process, CallRequest call)
    {
        using Activity? span = Spans.StartServer(process.Node.Name, call.TraceParent, call.Request, process.RegisteredName);
        if (span is not null)
        {
            process.Node.InstallTraceContext(); // so the calls that follow arrive with their caller's context
        }

        try
        {
            await HandleCallAsync(server, context, process.Node.HandleFor(call), call.Request).ConfigureAwait(false);
        }
        catch (Exception ex) when (Spans.Failed(span, ex))
        {
            throw; // not reached: the filter only records
        }
    }

    private static async Task HandleTracedCastAsync(IGenServer server, GenServerContext context, ProcessContext process, CastRequest cast)
    {
        using Activity? span = Spans.StartConsumer(process.Node.Name, cast.TraceParent, process.RegisteredName);
        try
        {
            await server.HandleCastAsync(cast.Request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Spans.Failed(span, ex))
        {
            throw; // not reached: the filter only records
        }
    }

    private static async Task HandleCallAsync(IGenServer server, GenServerContext context, CallHandle from, object request)
    {
        context.Track(from);
        CallResult result;
        try
        {
            result = await server.HandleCallAsync(request, from, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            context.Untrack(from);
            from.Fail(ex);
            throw;
        }

        if (result.HasReply)
        {
            context.Untrack(from);
            from.Reply(result.Value);
        }

        if (result.StopReason is { } stop)
        {
            context.Stop(stop);
        }
    }
}
