namespace Partisan.Generators.Rpc.Model;

/// <summary>What an RPC method returns, which decides how its stub calls (or casts) and how its binding replies.</summary>
internal enum RpcReturnKind
{
    /// <summary><c>void</c>: a cast (<c>rpc:cast</c>), fire and forget.</summary>
    Void,

    /// <summary><c>Task</c>: a call that waits for completion and has no value.</summary>
    Task,

    /// <summary><c>Task&lt;T&gt;</c>: a call that returns a value.</summary>
    TaskOfT,

    /// <summary><c>ValueTask</c>.</summary>
    ValueTask,

    /// <summary><c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTaskOfT,
}
