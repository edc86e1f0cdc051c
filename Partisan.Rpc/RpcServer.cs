
namespace Partisan;

/// <summary>
/// The per-node RPC server (Partisan's <c>partisan_rpc_backend</c>), registered as <see cref="Rpc.ServerName"/>.
/// Unlike Partisan's, it runs each call concurrently (as OTP's rpc does) instead of one after another, and a
/// failing function fails only its own call.
/// </summary>
internal sealed class RpcServer(RpcFunctions functions) : GenServer
{
    public override ValueTask<CallResult> HandleCallAsync(object request, CallHandle from, GenServerContext context)
    {
        if (request is not RpcInvocation invocation)
        {
            throw new ArgumentException($"The RPC server does not understand {request.GetType().Name}.", nameof(request));
        }

        _ = RunAsync(invocation, from);
        return ValueTask.FromResult(CallResult.NoReply);
    }

    public override ValueTask HandleCastAsync(object request, GenServerContext context)
    {
        if (request is RpcInvocation invocation)
        {
            _ = RunAsync(invocation, null);
        }

        return ValueTask.CompletedTask;
    }

    private async Task RunAsync(RpcInvocation invocation, CallHandle? from)
    {
        try
        {
            if (!functions.TryGet(invocation.Module, invocation.Function, out Func<object?[], ValueTask<object?>>? handler))
            {
                throw new UndefinedFunctionException($"{invocation.Module}:{invocation.Function}/{invocation.Arguments.Length} is not exported on this node.");
            }

            object? result = await handler(invocation.Arguments).ConfigureAwait(false);
            from?.Reply(result);
        }
#pragma warning disable CA1031 // any failure of the function is the caller's error, not the server's
        catch (Exception ex)
#pragma warning restore CA1031
        {
            from?.Fail(ex);
        }
    }
}
