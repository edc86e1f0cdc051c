using System.Globalization;
using Partisan;
using Partisan.KeyValue;

// A replicated key-value store on three nodes (one process, real TCP on 127.0.0.1): every node runs a
// KeyValueStore replica; writes are cast to every replica with a version, reads and waits are calls to one.
// dotnet run --project samples/Partisan.KeyValue
var log = new Action<string>(line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"));
var nodes = new List<PartisanNode>();
try
{
    foreach (string name in new[] { "alice", "bob", "carol" })
    {
        var options = new PartisanOptions { NodeName = name + "@127.0.0.1", ClusterSecret = "kv-sample-secret" };
        PartisanNode node = await PartisanNode.StartAsync(options);
        await KeyValueStore.StartAsync(node, KeyValueStore.Name);
        if (nodes.Count > 0)
        {
            await node.JoinAsync(nodes[0].ListenAddresses[0]);
        }

        nodes.Add(node);
        log($"{node.Name} started, listening on {node.ListenAddresses[0]}");
    }

    PartisanNode alice = nodes[0], bob = nodes[1], carol = nodes[2];
    await WaitUntil(() => Task.FromResult(nodes.TrueForAll(n => n.Nodes().Count == 2)), "every node is connected to the other two");
    log("cluster: " + string.Join(", ", alice.Members()));

    // bob asks carol's replica for a key nobody has written yet: the reply is deferred until it exists.
    KeyValueStoreClient carolFromBob = KeyValueStore.Client(bob, ProcessRef.ForName(KeyValueStore.Name, carol.Name));
    Task<string> waiting = carolFromBob.WaitForAsync("greeting", TimeSpan.FromSeconds(10));
    log("bob waits on carol for 'greeting'");

    long version = 0;
    void Write(PartisanNode from, string key, string value)
    {
        version++;
        foreach (NodeName member in from.Members())
        {
            KeyValueStore.Client(from, ProcessRef.ForName(KeyValueStore.Name, member)).Put(key, value, version);
        }

        log($"{from.Name} writes {key} = {value} (version {version}) to every replica");
    }

    Write(alice, "greeting", "hello from alice");
    log($"bob's wait on carol returns: {await waiting}");
    Write(bob, "greeting", "hello again, from bob");
    Write(carol, "answer", "42");

    foreach (PartisanNode reader in nodes)
    {
        var replica = KeyValueStore.Client(alice, ProcessRef.ForName(KeyValueStore.Name, reader.Name));
        await WaitUntil(async () => await replica.CountAsync() == 2, $"{reader.Name} has both keys");
        log($"{reader.Name}'s replica: greeting = {await replica.GetAsync("greeting")}, answer = {await replica.GetAsync("answer")}");
    }

    // carol's node stops; a call waiting on it fails at once with a typed error instead of timing out.
    Task<string> stranded = carolFromBob.WaitForAsync("never-written", Timeout.InfiniteTimeSpan);
    await carol.DisposeAsync();
    nodes.Remove(carol);
    try
    {
        await stranded.WaitAsync(TimeSpan.FromSeconds(15));
        log("unexpected: the stranded call succeeded");
        return 1;
    }
    catch (CalleeDownException ex)
    {
        log($"bob's pending call to carol failed: {ex.Reason.Kind} ({ex.Message})");
    }

    Write(alice, "answer", "43");
    var fromBob = KeyValueStore.Client(bob, ProcessRef.ForName(KeyValueStore.Name, bob.Name));
    await WaitUntil(async () => await fromBob.GetAsync("answer") == "43", "bob sees the new answer");
    log($"alice and bob still agree: answer = {await fromBob.GetAsync("answer")}");
    log("done");
    return 0;
}
finally
{
    foreach (PartisanNode node in nodes)
    {
        await node.DisposeAsync();
    }
}

static async Task WaitUntil(Func<Task<bool>> condition, string what)
{
    DateTime deadline = DateTime.UtcNow.AddSeconds(15);
    while (!await condition())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("Timed out waiting until " + what + ".");
        }

        await Task.Delay(20);
    }
}
