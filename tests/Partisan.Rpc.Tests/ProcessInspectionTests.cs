using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.RpcTests;

public class ProcessInspectionTests
{
    [Fact]
    public async Task Processes_names_the_behaviour_running_a_process()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode node = await nodes.StartAsync();
        Pid server = await Rpc.StartServerAsync(node, new RpcFunctions());

        Diagnostics.Inspection.ProcessInfo info = Assert.Single(node.Processes(), p => p.Pid == server);
        Assert.Equal(Rpc.ServerName, info.RegisteredName);
        Assert.Equal("RpcServer", info.Behaviour);
    }
}
