using Partisan.Tests.Support;

namespace Partisan.RpcTests;

/// <summary>The run-time side of generated stubs: the registry, the argument checks, typed multicall and CastAll.</summary>
public class RpcStubsTests
{
    public interface IHandWritten
    {
        string Name { get; }
    }

    public interface INeverRegistered
    {
    }

    private sealed record HandWritten(string Name) : IHandWritten;

    [Fact]
    public async Task The_registry_hands_out_what_was_registered_and_names_what_was_not()
    {
        var bound = new List<IHandWritten>();
        RpcStubs.Register<IHandWritten>((_, target, _) => new HandWritten(target.ToString()), (_, implementation) => bound.Add(implementation));
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();

        Assert.True(RpcStubs.IsRegistered<IHandWritten>());
        Assert.Equal(node.Name.ToString(), node.RpcClient<IHandWritten>(node.Name).Name);
        var implementation = new HandWritten("impl");
        new RpcFunctions().Bind<IHandWritten>(implementation);
        Assert.Same(implementation, Assert.Single(bound));

        Assert.False(RpcStubs.IsRegistered<INeverRegistered>());
        var error = Assert.Throws<InvalidOperationException>(() => RpcStubs.Client<INeverRegistered>(node, node.Name));
        Assert.Contains(typeof(INeverRegistered).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("[PartisanRpc]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Argument_checks_say_which_function_and_argument_are_wrong()
    {
        RpcArguments.CheckCount([1, 2], 2, "m", "f");
        var count = Assert.Throws<ArgumentException>(() => RpcArguments.CheckCount([1], 2, "m", "f"));
        Assert.StartsWith("m:f takes 2 arguments, but the call has 1 argument.", count.Message, StringComparison.Ordinal);

        Assert.Equal(3, RpcArguments.Get<int>([3], 0, "x", false, "m", "f"));
        Assert.Null(RpcArguments.Get<int?>([null], 0, "x", true, "m", "f"));
        Assert.Equal(4, RpcArguments.Get<int?>([4], 0, "x", true, "m", "f"));
        Assert.Null(RpcArguments.Get<string?>([null], 0, "s", true, "m", "f"));

        var type = Assert.Throws<ArgumentException>(() => RpcArguments.Get<int?>([5L], 0, "x", true, "m", "f"));
        Assert.StartsWith("Argument 0 ('x') of m:f is a System.Int64, not a System.Int32?.", type.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => RpcArguments.Get<string>([null], 0, "s", false, "m", "f"));
        Assert.StartsWith("Argument 0 ('s') of m:f is null, but the parameter does not allow null.", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typed_multicall_fails_only_the_nodes_whose_result_has_another_type()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        for (int i = 0; i < cluster.Length; i++)
        {
            int index = i;
            var functions = new RpcFunctions();
            functions.Register("m", "value", _ => index == 0 ? 42 : "not a number");
            await Rpc.StartServerAsync(cluster[i], functions);
        }

        IReadOnlyList<RpcResult<int>> results = await Rpc.MulticallAsync<int>(cluster[0], [cluster[0].Name, cluster[1].Name], "m", "value", []);

        Assert.Equal((42, true), (results[0].Value, results[0].IsOk));
        Assert.Equal(typeof(InvalidCastException).FullName, Assert.IsType<CallFailedException>(results[1].Error).ErrorType);
        Assert.Equal(0, results[1].Value);
    }

    [Fact]
    public async Task CastAll_sends_to_every_known_node_and_counts_them()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        var ran = new TaskCompletionSource<object?>[] { new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously) };
        for (int i = 0; i < cluster.Length; i++)
        {
            int index = i;
            var functions = new RpcFunctions();
            functions.Register("m", "note", args =>
            {
                ran[index].TrySetResult(args[0]);
                return null;
            });
            await Rpc.StartServerAsync(cluster[i], functions);
        }

        int sent = Rpc.CastAll(cluster[0], [cluster[0].Name, cluster[1].Name, NodeName.Parse("ghost@127.0.0.1")], "m", "note", ["hi"]);

        Assert.Equal(2, sent);
        Assert.Equal("hi", await Eventually.Within(ran[0].Task, "the cast on node 0"));
        Assert.Equal("hi", await Eventually.Within(ran[1].Task, "the cast on node 1"));
    }
}
