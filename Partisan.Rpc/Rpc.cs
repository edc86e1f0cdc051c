
namespace Partisan;

/// <summary>
/// Erlang's <c>partisan_rpc</c>: call, cast and multicall functions other nodes export through
/// <see cref="RpcFunctions"/>. Replies carry the call's tag, so a late reply is never taken for a later
/// call's (Partisan's RPC has no correlation id). Errors: <see cref="CallTimeoutException"/>,
/// <see cref="CalleeDownException"/> (the node is down, or runs no RPC server: <c>noproc</c>), and
/// <see cref="CallFailedException"/> (the function threw, or is not exported: <see cref="UndefinedFunctionException"/>).
/// </summary>
public static class Rpc
{
    /// <summary>The registered name of every node's RPC server.</summary>
    public const string ServerName = "partisan_rpc";

    /// <summary>Starts <paramref name="node"/>'s RPC server, exposing <paramref name="functions"/>.</summary>
    public static Task<Pid> StartServerAsync(PartisanNode node, RpcFunctions functions)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(functions);
        RpcInvocationFormatter.EnsureRegistered(node.Types);
        return GenServer.StartAsync(node, () => new RpcServer(functions), ServerName);
    }

    /// <summary>Calls <paramref name="module"/>:<paramref name="function"/> on <paramref name="target"/> and returns the result (default timeout 5 s).</summary>
    public static Task<object?> CallAsync(PartisanNode node, NodeName target, string module, string function, object?[] arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        RpcInvocationFormatter.EnsureRegistered(node.Types);
        return node.CallAsync(ProcessRef.ForName(ServerName, target), new RpcInvocation(module, function, arguments ?? []), timeout, cancellationToken);
    }

    /// <summary>Calls and casts the result to <typeparamref name="T"/>.</summary>
    public static Task<T> CallAsync<T>(PartisanNode node, NodeName target, string module, string function, object?[] arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        RpcInvocationFormatter.EnsureRegistered(node.Types);
        return node.CallAsync<T>(ProcessRef.ForName(ServerName, target), new RpcInvocation(module, function, arguments ?? []), default, timeout, cancellationToken);
    }

    /// <summary>Runs the function on <paramref name="target"/> without waiting for it (Erlang's <c>rpc:cast</c>).</summary>
    public static bool Cast(PartisanNode node, NodeName target, string module, string function, object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(node);
        RpcInvocationFormatter.EnsureRegistered(node.Types);
        return node.Cast(ProcessRef.ForName(ServerName, target), new RpcInvocation(module, function, arguments ?? []));
    }

    /// <summary>
    /// Calls the function on every node of <paramref name="targets"/> at once and returns one result per node, in the
    /// order given; each either has a value or the error of that node (Erlang's <c>multicall</c>, with per-node errors).
    /// </summary>
    public static async Task<IReadOnlyList<RpcResult>> MulticallAsync(PartisanNode node, IEnumerable<NodeName> targets, string module, string function, object?[] arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var names = new List<NodeName>(targets);
        var calls = new Task<object?>[names.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = CallAsync(node, names[i], module, function, arguments, timeout, cancellationToken);
        }

        var results = new RpcResult[calls.Length];
        for (int i = 0; i < calls.Length; i++)
        {
            try
            {
                results[i] = new RpcResult(names[i], await calls[i].ConfigureAwait(false), null);
            }
            catch (CallException ex)
            {
                results[i] = new RpcResult(names[i], null, ex);
            }
        }

        return results;
    }

    /// <summary>
    /// Like <see cref="MulticallAsync(PartisanNode, IEnumerable{NodeName}, string, string, object?[], TimeSpan?, CancellationToken)"/>,
    /// with each result cast to <typeparamref name="T"/>; a node whose result is of another type gets a <see cref="CallFailedException"/>.
    /// </summary>
    public static async Task<IReadOnlyList<RpcResult<T>>> MulticallAsync<T>(PartisanNode node, IEnumerable<NodeName> targets, string module, string function, object?[] arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var names = new List<NodeName>(targets);
        var calls = new Task<T>[names.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = CallAsync<T>(node, names[i], module, function, arguments, timeout, cancellationToken);
        }

        var results = new RpcResult<T>[calls.Length];
        for (int i = 0; i < calls.Length; i++)
        {
            try
            {
                results[i] = new RpcResult<T>(names[i], await calls[i].ConfigureAwait(false), null);
            }
            catch (CallException ex)
            {
                results[i] = new RpcResult<T>(names[i], default, ex);
            }
        }

        return results;
    }

    /// <summary>
    /// Casts the function to every node of <paramref name="targets"/> (Erlang's <c>rpc:eval_everywhere</c>) and returns how
    /// many of them it could be sent to (a node that is unknown or down is skipped, as in Erlang).
    /// </summary>
    public static int CastAll(PartisanNode node, IEnumerable<NodeName> targets, string module, string function, object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(targets);
        int sent = 0;
        foreach (NodeName target in targets)
        {
            sent += Cast(node, target, module, function, arguments) ? 1 : 0;
        }

        return sent;
    }
}

/// <summary>One node's typed result of a multicall (<see cref="Rpc.MulticallAsync{T}"/>).</summary>
/// <typeparam name="T">The function's result type.</typeparam>
/// <param name="Node">The node.</param>
/// <param name="Value">The function's result, when it succeeded; otherwise the default.</param>
/// <param name="Error">Why it failed (timeout, node down, function error, a result of another type), or null.</param>
public readonly record struct RpcResult<T>(NodeName Node, T? Value, CallException? Error)
{
    /// <summary>True when the call succeeded.</summary>
    public bool IsOk => Error is null;
}

/// <summary>One node's result of a multicall.</summary>
/// <param name="Node">The node.</param>
/// <param name="Value">The function's result, when it succeeded.</param>
/// <param name="Error">Why it failed (timeout, node down, function error), or null.</param>
public readonly record struct RpcResult(NodeName Node, object? Value, CallException? Error)
{
    /// <summary>True when the call succeeded.</summary>
    public bool IsOk => Error is null;
}
