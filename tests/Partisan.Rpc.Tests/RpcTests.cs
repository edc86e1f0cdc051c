using Partisan.Tests.Support;

namespace Partisan.RpcTests;

public class RpcTests
{
    private static RpcFunctions Functions(string tag)
    {
        var functions = new RpcFunctions();
        functions.Register("math", "add", args => (int)args[0]! + (int)args[1]!);
        functions.Register("node", "tag", _ => tag);
        functions.Register("slow", "wait", async args =>
        {
            await Task.Delay((int)args[0]!);
            return "done";
        });
        functions.Register("fail", "now", _ => throw new InvalidOperationException("function failed"));
        functions.Register("echo", "all", args => args);
        return functions;
    }

    private static async Task<PartisanNode[]> ClusterWithRpcAsync(TestNodes nodes, int count)
    {
        PartisanNode[] cluster = await nodes.StartClusterAsync(count);
        for (int i = 0; i < cluster.Length; i++)
        {
            await Rpc.StartServerAsync(cluster[i], Functions("node" + i));
        }

        return cluster;
    }

    [Fact]
    public async Task Call_runs_the_function_on_the_target_node()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await ClusterWithRpcAsync(nodes, 2);

        Assert.Equal(5, await Rpc.CallAsync<int>(cluster[0], cluster[1].Name, "math", "add", [2, 3]));
        Assert.Equal("node1", await Rpc.CallAsync<string>(cluster[0], cluster[1].Name, "node", "tag", []));
        object?[] echoed = await Rpc.CallAsync<object?[]>(cluster[0], cluster[1].Name, "echo", "all", [1, "two", null, 3L]);
        Assert.Equal(new object?[] { 1, "two", null, 3L }, echoed);
    }

    [Fact]
    public async Task A_failing_or_unknown_function_fails_only_that_call()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await ClusterWithRpcAsync(nodes, 2);

        var failed = await Assert.ThrowsAsync<CallFailedException>(() => Rpc.CallAsync(cluster[0], cluster[1].Name, "fail", "now", []));
        Assert.Contains("function failed", failed.Message);
        var undefined = await Assert.ThrowsAsync<CallFailedException>(() => Rpc.CallAsync(cluster[0], cluster[1].Name, "no", "such", []));
        Assert.Equal(typeof(UndefinedFunctionException).FullName, undefined.ErrorType);
        Assert.Equal(5, await Rpc.CallAsync<int>(cluster[0], cluster[1].Name, "math", "add", [2, 3]));
    }

    [Fact]
    public async Task Calls_run_concurrently_and_a_timed_out_reply_is_never_taken_for_a_later_call()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await ClusterWithRpcAsync(nodes, 2);

        await Assert.ThrowsAsync<CallTimeoutException>(() => Rpc.CallAsync(cluster[0], cluster[1].Name, "slow", "wait", [300], TimeSpan.FromMilliseconds(50)));
        // The late "done" of the first call arrives while this one waits; this one must get its own answer.
        Assert.Equal("node1", await Rpc.CallAsync<string>(cluster[0], cluster[1].Name, "node", "tag", []));
        Task<object?> slow = Rpc.CallAsync(cluster[0], cluster[1].Name, "slow", "wait", [200]);
        Assert.Equal(7, await Rpc.CallAsync<int>(cluster[0], cluster[1].Name, "math", "add", [3, 4])); // not stuck behind the slow one
        Assert.Equal("done", await slow);
    }

    [Fact]
    public async Task Multicall_returns_a_result_or_an_error_per_node()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await ClusterWithRpcAsync(nodes, 3);
        NodeName ghost = NodeName.Parse("ghost@127.0.0.1");

        IReadOnlyList<RpcResult> results = await Rpc.MulticallAsync(cluster[0], [cluster[0].Name, cluster[1].Name, cluster[2].Name, ghost], "node", "tag", []);

        Assert.Equal(["node0", "node1", "node2"], results.Take(3).Select(r => (string)r.Value!));
        Assert.All(results.Take(3), r => Assert.True(r.IsOk));
        Assert.False(results[3].IsOk);
        Assert.IsType<CalleeDownException>(results[3].Error);
    }

    [Fact]
    public async Task Calling_a_node_without_an_rpc_server_fails_with_noproc()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);

        var error = await Assert.ThrowsAsync<CalleeDownException>(() => Rpc.CallAsync(cluster[0], cluster[1].Name, "math", "add", [1, 2]));

        Assert.Equal(ExitReason.NoProc, error.Reason);
    }

    [Fact]
    public async Task Cast_runs_the_function_without_waiting()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        var ran = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var functions = new RpcFunctions();
        functions.Register("side", "effect", args =>
        {
            ran.TrySetResult(args[0]);
            return null;
        });
        await Rpc.StartServerAsync(cluster[1], functions);

        Assert.True(Rpc.Cast(cluster[0], cluster[1].Name, "side", "effect", ["hello"]));

        Assert.Equal("hello", await Eventually.Within(ran.Task, "the cast runs"));
    }
}
