using Partisan;
using Partisan.Discovery;
using Partisan.DiscoveryCheck;

// dotnet Partisan.DiscoveryCheck.dll <name> <ip> <srv-name> <nameserver ip:port>
// Starts node <name>@<ip> on <ip>:9000, finds its peer through the SRV records of <srv-name> at that nameserver, calls
// the peer's Greeter and waits until the peer has called its own. Exit 0 on success, 1 on a failure or after 90 s.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Partisan.DiscoveryCheck <name> <ip> <srv-name> <nameserver ip:port>");
    return 2;
}

string name = args[0];
string ip = args[1];
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
var options = new PartisanOptions { NodeName = $"{name}@{ip}", ClusterSecret = "netns-check-secret" };
options.ListenAddresses.Add($"{ip}:9000");
options.Discovery.Kind = DiscoveryKind.Dns;
options.Discovery.DnsName = args[2];
options.Discovery.DnsRecords = DnsRecordKind.Srv;
options.Discovery.Nameservers.Add(args[3]);
options.Discovery.Interval = TimeSpan.FromSeconds(1);

try
{
    await using PartisanNode node = await PartisanNode.StartAsync(options);
    await Greeter.StartAsync(node, name: "greeter");
    await using var agent = new PeerDiscoveryAgent(node, options.Discovery.Create()!, options.Discovery);
    agent.Start();

    while (node.Members().Count < 2)
    {
        await Task.Delay(100, deadline.Token);
    }

    NodeName peer = node.Members().First(m => m != node.Name);
    Console.WriteLine($"{node.Name}: found {peer} through DNS");
    string? answer = null;
    while (answer is null)
    {
        try
        {
            answer = await Greeter.Client(node, ProcessRef.ForName("greeter", peer)).HelloAsync(name, deadline.Token);
        }
        catch (CalleeDownException)
        {
            await Task.Delay(100, deadline.Token); // the peer's greeter may not be registered yet
        }
    }

    Console.WriteLine($"{node.Name}: {peer} answered \"{answer}\"");
    GreeterClient self = Greeter.Client(node, ProcessRef.ForName("greeter", node.Name));
    while (await self.CallsAsync(deadline.Token) == 0)
    {
        await Task.Delay(100, deadline.Token);
    }

    Console.WriteLine($"{node.Name}: called by its peer; done");

    // Stay up a little for the peer, whose reply from this node may still be on its way: until the peer has gone, at most 5 s.
    using var grace = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
    grace.CancelAfter(TimeSpan.FromSeconds(5));
    try
    {
        await node.MonitorAsync(ProcessRef.ForName("greeter", peer), grace.Token);
    }
    catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
    {
    }

    return 0;
}
catch (Exception ex) when (ex is OperationCanceledException or PartisanException)
{
    Console.Error.WriteLine($"{name}: {ex.GetType().Name}: {ex.Message}");
    return 1;
}
