using Partisan.Generated.Tests.Rpc;
using Partisan.Generated.Tests.Shop;
using Partisan.Generated.Tests.Support;

namespace Partisan.Generated.Tests;

/// <summary>Generated [PartisanRpc] stubs and bindings over real TCP between nodes on 127.0.0.1.</summary>
public class RpcStubTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Starts <paramref name="count"/> nodes, each running an RPC server with a bound <see cref="Calculator"/> named after its index.</summary>
    private static async Task<(PartisanNode[] Nodes, Calculator[] Calculators)> StartAsync(Cluster cluster, int count)
    {
        PartisanNode[] nodes = await cluster.StartAsync(count);
        var calculators = new Calculator[count];
        for (int i = 0; i < count; i++)
        {
            var functions = new RpcFunctions();
            calculators[i] = new Calculator("node" + i);
            CalculatorRpc.Bind(functions, calculators[i]);
            CatalogRpc.Bind(functions, new CatalogService());
            await Partisan.Rpc.StartServerAsync(nodes[i], functions);
        }

        return (nodes, calculators);
    }

    [Fact]
    public async Task A_typed_call_returns_the_value_computed_on_the_target()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, Calculator[] calculators) = await StartAsync(cluster, 2);
        ICalculator remote = CalculatorRpc.Client(nodes[0], nodes[1].Name);

        Assert.Equal(5, await remote.AddAsync(2, 3));
        using var cts = new CancellationTokenSource(Bound);
        Assert.Equal("hello@node1", await remote.EchoAsync("hello", cts.Token));
        Assert.Equal("node1", await remote.WhereAsync());
        Assert.Equal((0, 1), (calculators[0].Adds, calculators[1].Adds));
    }

    [Fact]
    public async Task Enums_nullables_messages_and_collections_cross_as_typed_values()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, _) = await StartAsync(cluster, 2);
        ICatalog remote = CatalogRpc.Client(nodes[0], nodes[1].Name);

        Assert.Equal(Color.Blue, await remote.MixAsync(Color.Green, Color.Blue));
        Assert.Equal(Color.Green, await remote.MixAsync(Color.Green, null));
        Assert.Equal(new Address("Oslo", "Main St 3"), await remote.FindAsync("Oslo", 3));
        Assert.Equal(new Address("Rome", "Main St 0"), await remote.FindAsync("Rome", null));
        Assert.Null(await remote.FindAsync("nowhere", null));
        Assert.Equal(
            [new Address("Oslo", "2"), new Address("Rome", "0")],
            await remote.AllAsync(["Oslo", "Rome"], new Dictionary<string, int> { ["Oslo"] = 2 }));
        Assert.Equal([new Address("Lima", "0")], await remote.AllAsync(["Lima"], null));
    }

    [Fact]
    public async Task A_task_without_a_value_completes_only_when_the_remote_method_has()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, Calculator[] calculators) = await StartAsync(cluster, 2);
        ICalculator remote = CalculatorRpc.Client(nodes[0], nodes[1].Name);

        Task reset = remote.ResetAsync();
        await calculators[1].ResetEntered.Task.WaitAsync(Bound);
        Assert.False(reset.IsCompleted);
        Assert.False(calculators[1].ResetDone);

        calculators[1].ResetGate.SetResult();
        await reset.WaitAsync(Bound);
        Assert.True(calculators[1].ResetDone);
    }

    [Fact]
    public async Task A_void_method_is_a_cast_that_runs_on_the_target()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, Calculator[] calculators) = await StartAsync(cluster, 2);
        ICalculator remote = CalculatorRpc.Client(nodes[0], nodes[1].Name);

        remote.Log("fire and forget");

        Assert.Equal("fire and forget", await calculators[1].Logged.Task.WaitAsync(Bound));
        Assert.False(calculators[0].Logged.Task.IsCompleted);
    }

    [Fact]
    public async Task An_implementation_that_throws_fails_the_call_with_CallFailedException()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, _) = await StartAsync(cluster, 2);
        ICalculator remote = CalculatorRpc.Client(nodes[0], nodes[1].Name);

        CallFailedException failed = await Assert.ThrowsAsync<CallFailedException>(() => remote.FailAsync("out of paper"));

        Assert.Equal(typeof(InvalidOperationException).FullName, failed.ErrorType);
        Assert.Equal("out of paper", failed.ErrorMessage);
        Assert.Equal(7, await remote.AddAsync(3, 4));
    }

    [Fact]
    public async Task Bad_arguments_through_the_untyped_api_fail_that_call_and_the_server_keeps_answering()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, _) = await StartAsync(cluster, 2);
        NodeName target = nodes[1].Name;

        CallFailedException tooFew = await Assert.ThrowsAsync<CallFailedException>(() => Partisan.Rpc.CallAsync(nodes[0], target, CalculatorRpc.Module, "AddAsync", [1]));
        Assert.Equal(typeof(ArgumentException).FullName, tooFew.ErrorType);
        Assert.Contains("Partisan.Generated.Tests.Rpc.ICalculator:AddAsync takes 2 arguments, but the call has 1 argument", tooFew.ErrorMessage, StringComparison.Ordinal);

        CallFailedException wrongType = await Assert.ThrowsAsync<CallFailedException>(() => Partisan.Rpc.CallAsync(nodes[0], target, CalculatorRpc.Module, "AddAsync", [1, "two"]));
        Assert.Equal(typeof(ArgumentException).FullName, wrongType.ErrorType);
        Assert.Contains("Argument 1 ('b') of Partisan.Generated.Tests.Rpc.ICalculator:AddAsync is a System.String, not a System.Int32", wrongType.ErrorMessage, StringComparison.Ordinal);

        CallFailedException nullText = await Assert.ThrowsAsync<CallFailedException>(() => Partisan.Rpc.CallAsync(nodes[0], target, CalculatorRpc.Module, "EchoAsync", [null]));
        Assert.Contains("is null, but the parameter does not allow null", nullText.ErrorMessage, StringComparison.Ordinal);

        CallFailedException badEnum = await Assert.ThrowsAsync<CallFailedException>(() => Partisan.Rpc.CallAsync(nodes[0], target, CatalogRpc.Module, "MixAsync", [1L, null]));
        Assert.Contains("is a System.Int64, not a System.Byte", badEnum.ErrorMessage, StringComparison.Ordinal);

        // The server is still up, and the untyped API reaches the same functions with the right arguments.
        Assert.Equal(3, await Partisan.Rpc.CallAsync<int>(nodes[0], target, CalculatorRpc.Module, "AddAsync", [1, 2]));
        Assert.Equal((byte)Color.Blue, await Partisan.Rpc.CallAsync<byte>(nodes[0], target, CatalogRpc.Module, "MixAsync", [(byte)Color.Blue, null]));
        Assert.Equal(9, await CalculatorRpc.Client(nodes[0], target).AddAsync(4, 5));
    }

    [Fact]
    public async Task A_call_to_a_stopped_node_fails_with_CalleeDownException()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, Calculator[] calculators) = await StartAsync(cluster, 2);
        ICalculator remote = CalculatorRpc.Client(nodes[0], nodes[1].Name);
        Assert.Equal(2, await remote.AddAsync(1, 1));

        // A call in flight when the node stops fails as soon as the connection is lost...
        Task inFlight = remote.ResetAsync();
        await calculators[1].ResetEntered.Task.WaitAsync(Bound);
        await nodes[1].DisposeAsync();
        CalleeDownException down = await Assert.ThrowsAsync<CalleeDownException>(() => inFlight.WaitAsync(Bound));
        Assert.Equal(ExitReason.NoConnection, down.Reason);

        // ...and so does a new call once the node is known to be gone.
        await Cluster.Eventually(() => !nodes[0].IsConnected(nodes[1].Name), "node 0 sees node 1 disconnected");
        await Assert.ThrowsAsync<CalleeDownException>(() => remote.AddAsync(1, 1).WaitAsync(Bound));
    }

    [Fact]
    public async Task The_generic_entry_points_use_the_generated_stubs()
    {
        await using var cluster = new Cluster();
        PartisanNode[] nodes = await cluster.StartAsync(2);
        var functions = new RpcFunctions();
        functions.Bind<ICalculator>(new Calculator("generic"));
        await Partisan.Rpc.StartServerAsync(nodes[1], functions);

        Assert.True(RpcStubs.IsRegistered<ICalculator>());
        ICalculator remote = nodes[0].RpcClient<ICalculator>(nodes[1].Name, TimeSpan.FromSeconds(10));
        Assert.Equal(42, await remote.AddAsync(40, 2));
        Assert.Equal("generic", await remote.WhereAsync());

        // The catalog is not bound on node 1: its functions are undefined there.
        CallFailedException undefined = await Assert.ThrowsAsync<CallFailedException>(() => nodes[0].RpcClient<ICatalog>(nodes[1].Name).FindAsync("Oslo", null));
        Assert.Equal(typeof(UndefinedFunctionException).FullName, undefined.ErrorType);

        Assert.False(RpcStubs.IsRegistered<INotAnRpcInterface>());
        InvalidOperationException missing = Assert.Throws<InvalidOperationException>(() => nodes[0].RpcClient<INotAnRpcInterface>(nodes[1].Name));
        Assert.Contains("INotAnRpcInterface has no generated RPC stub: mark the interface [PartisanRpc]", missing.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new RpcFunctions().Bind<INotAnRpcInterface>(new NotAnRpc()));
    }

    [Fact]
    public async Task A_short_timeout_fails_a_slow_call_with_CallTimeoutException()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, Calculator[] calculators) = await StartAsync(cluster, 2);
        ICalculator impatient = CalculatorRpc.Client(nodes[0], nodes[1].Name, TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAsync<CallTimeoutException>(() => impatient.ResetAsync().WaitAsync(Bound));

        calculators[1].ResetGate.SetResult();
        Assert.Equal(3, await impatient.AddAsync(1, 2));
    }

    [Fact]
    public async Task A_typed_multicall_returns_one_result_or_error_per_node()
    {
        await using var cluster = new Cluster();
        (PartisanNode[] nodes, Calculator[] calculators) = await StartAsync(cluster, 3);
        NodeName ghost = NodeName.Parse("ghost@127.0.0.1");
        CalculatorRpc.MulticallClient all = CalculatorRpc.Multicall(nodes[0], [nodes[0].Name, nodes[1].Name, nodes[2].Name, ghost]);

        IReadOnlyList<RpcResult<string>> where = await all.WhereAsync();
        Assert.Equal([nodes[0].Name, nodes[1].Name, nodes[2].Name, ghost], where.Select(r => r.Node));
        Assert.Equal(["node0", "node1", "node2"], where.Take(3).Select(r => r.Value));
        Assert.All(where.Take(3), r => Assert.True(r.IsOk));
        Assert.IsType<CalleeDownException>(where[3].Error);
        Assert.Null(where[3].Value);

        IReadOnlyList<RpcResult<int>> failed = await all.FailAsync("no");
        Assert.All(failed.Take(3), r => Assert.Equal(typeof(InvalidOperationException).FullName, Assert.IsType<CallFailedException>(r.Error).ErrorType));

        IReadOnlyList<RpcResult<Color>> mixed = await CatalogRpc.Multicall(nodes[0], [nodes[1].Name, nodes[2].Name]).MixAsync(Color.Red, Color.Green);
        Assert.Equal([Color.Green, Color.Green], mixed.Select(r => r.Value));

        foreach (Calculator calculator in calculators)
        {
            calculator.ResetGate.SetResult();
        }

        IReadOnlyList<RpcResult> reset = await CalculatorRpc.Multicall(nodes[0], nodes.Select(n => n.Name)).ResetAsync();
        Assert.All(reset, r => Assert.True(r.IsOk));
        Assert.All(calculators, c => Assert.True(c.ResetDone));

        Assert.Equal(3, all.Log("everyone"));
        string[] logged = await Task.WhenAll(calculators.Select(c => c.Logged.Task)).WaitAsync(Bound);
        Assert.All(logged, line => Assert.Equal("everyone", line));
    }

    private sealed class NotAnRpc : INotAnRpcInterface
    {
        public Task<int> NothingAsync() => Task.FromResult(0);
    }
}
