namespace Partisan;

/// <summary>The generic entry points to generated <c>[PartisanRpc]</c> stubs (see <see cref="RpcStubs"/>).</summary>
public static class RpcStubExtensions
{
    /// <summary>A client of the [PartisanRpc] interface <typeparamref name="TInterface"/> whose calls run on <paramref name="target"/>.</summary>
    /// <typeparam name="TInterface">A [PartisanRpc] interface.</typeparam>
    /// <param name="node">The calling node.</param>
    /// <param name="target">The node that runs the functions.</param>
    /// <param name="timeout">The timeout of each call; null for <see cref="PartisanNode.DefaultCallTimeout"/>.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="TInterface"/> has no generated stub.</exception>
    public static TInterface RpcClient<TInterface>(this PartisanNode node, NodeName target, TimeSpan? timeout = null)
        where TInterface : class => RpcStubs.Client<TInterface>(node, target, timeout);

    /// <summary>Exposes <paramref name="implementation"/>'s methods as the functions of the [PartisanRpc] interface <typeparamref name="TInterface"/>.</summary>
    /// <typeparam name="TInterface">A [PartisanRpc] interface.</typeparam>
    /// <param name="functions">Where to register the functions.</param>
    /// <param name="implementation">The object whose methods run the calls.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="TInterface"/> has no generated stub.</exception>
    public static void Bind<TInterface>(this RpcFunctions functions, TInterface implementation)
        where TInterface : class => RpcStubs.Bind(functions, implementation);
}
