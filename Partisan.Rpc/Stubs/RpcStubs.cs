namespace Partisan;

/// <summary>
/// The typed RPC stubs of every <c>[PartisanRpc]</c> interface loaded: generated code registers each interface's client
/// factory and binder here from a module initializer, so <see cref="Client{TInterface}"/> and <see cref="Bind{TInterface}"/>
/// need no reflection at run time.
/// </summary>
public static class RpcStubs
{
    /// <summary>Registers the generated client factory and binder of <typeparamref name="TInterface"/> (called by generated code; the last registration wins).</summary>
    /// <typeparam name="TInterface">The [PartisanRpc] interface.</typeparam>
    /// <param name="client">Creates a stub that calls <typeparamref name="TInterface"/>'s functions on a node.</param>
    /// <param name="bind">Exposes an implementation's methods in an <see cref="RpcFunctions"/>.</param>
    public static void Register<TInterface>(Func<PartisanNode, NodeName, TimeSpan?, TInterface> client, Action<RpcFunctions, TInterface> bind)
        where TInterface : class
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(bind);
        Stub<TInterface>.Current = new Stub<TInterface>(client, bind);
    }

    /// <summary>True when a generated stub for <typeparamref name="TInterface"/> is registered.</summary>
    /// <typeparam name="TInterface">The interface.</typeparam>
    public static bool IsRegistered<TInterface>()
        where TInterface : class => Stub<TInterface>.Current is not null;

    /// <summary>A client whose methods run on <paramref name="target"/>, each call waiting at most <paramref name="timeout"/> (default 5 s).</summary>
    /// <typeparam name="TInterface">A [PartisanRpc] interface.</typeparam>
    /// <param name="node">The calling node.</param>
    /// <param name="target">The node that runs the functions.</param>
    /// <param name="timeout">The timeout of each call; null for <see cref="PartisanNode.DefaultCallTimeout"/>.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="TInterface"/> has no generated stub.</exception>
    public static TInterface Client<TInterface>(PartisanNode node, NodeName target, TimeSpan? timeout = null)
        where TInterface : class
    {
        ArgumentNullException.ThrowIfNull(node);
        return Get<TInterface>().Client(node, target, timeout);
    }

    /// <summary>Exposes <paramref name="implementation"/>'s methods in <paramref name="functions"/>, under the interface's full name.</summary>
    /// <typeparam name="TInterface">A [PartisanRpc] interface.</typeparam>
    /// <param name="functions">Where to register the functions.</param>
    /// <param name="implementation">The object whose methods run the calls.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="TInterface"/> has no generated stub.</exception>
    public static void Bind<TInterface>(RpcFunctions functions, TInterface implementation)
        where TInterface : class
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(implementation);
        Get<TInterface>().Bind(functions, implementation);
    }

    private static Stub<TInterface> Get<TInterface>()
        where TInterface : class =>
        Stub<TInterface>.Current ?? throw new InvalidOperationException(
            $"{typeof(TInterface).FullName} has no generated RPC stub: mark the interface [PartisanRpc] and build it with the Partisan.Generators analyzer, "
            + "in an assembly that references Partisan.Rpc.");

    private sealed record Stub<TInterface>(Func<PartisanNode, NodeName, TimeSpan?, TInterface> Client, Action<RpcFunctions, TInterface> Bind)
        where TInterface : class
    {
        public static volatile Stub<TInterface>? Current;
    }
}
