using System.Diagnostics;
using Partisan;
using Partisan.Faults;
using Partisan.MetadataStore;

// A replicated metadata store (a small PlumDB) on five nodes in one process, real TCP on 127.0.0.1: writes on one node
// are broadcast through Plumtree and read on all; a node is partitioned away and misses writes; once healed it converges
// by anti-entropy (per-prefix digests). One line per event; exit code 0 when every step converged, 1 otherwise.
// dotnet run --project samples/Partisan.MetadataStore
var clock = Stopwatch.StartNew();
void Log(string line) => Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.000}s {line}");

var nodes = new List<PartisanNode>();
var stores = new List<MetadataStore>();
try
{
    string[] names = ["ada", "bea", "cy", "dee", "eli"];
    foreach (string name in names)
    {
        var options = new PartisanOptions { NodeName = name + "@127.0.0.1", ClusterSecret = "metadata-sample-secret" };
        options.ListenAddresses.Add("127.0.0.1:0");
        options.Broadcast.Enabled = true;
        options.Broadcast.LazyTickPeriod = TimeSpan.FromMilliseconds(100);
        options.Broadcast.GraftTimeout = TimeSpan.FromMilliseconds(300);
        options.Broadcast.ExchangeInterval = TimeSpan.FromMilliseconds(250);
        options.Faults.Enabled = true;
        PartisanNode node = await PartisanNode.StartAsync(options);
        var store = new MetadataStore(node);
        if (nodes.Count > 0)
        {
            await node.JoinAsync(nodes[0].ListenAddresses[0]);
        }

        nodes.Add(node);
        stores.Add(store);
        Log($"{node.Name} started on {node.ListenAddresses[0]}");
    }

    await Until(() => nodes.TrueForAll(n => n.Nodes().Count == nodes.Count - 1), "the five nodes are connected");
    Log("cluster: " + string.Join(", ", nodes[0].Members()));

    MetadataStore ada = stores[0];
    ada.Put("config", "color", "blue");
    ada.Put("config", "size", "10");
    ada.Put("users", "alice", "admin");
    Log("ada wrote config/color = blue, config/size = 10, users/alice = admin");
    await Until(() => stores.TrueForAll(s => s.Get("users", "alice") == "admin" && s.Get("config", "size") == "10"), "every node reads ada's writes");
    for (int i = 0; i < nodes.Count; i++)
    {
        Log($"{nodes[i].Name} reads config: {Show(stores[i], "config")}; users: {Show(stores[i], "users")}");
    }

    // eli is cut off from the other four.
    PartisanNode eli = nodes[4];
    MetadataStore eliStore = stores[4];
    PartitionHandle partition = eli.Faults.InjectPartition(nodes.Take(4).Select(n => n.Name).ToArray());
    await Until(() => nodes.Take(4).All(n => !eli.IsConnected(n.Name)), "eli is partitioned away");
    Log("eli is partitioned away from ada, bea, cy and dee");

    stores[1].Put("config", "color", "green");
    stores[2].Delete("users", "alice");
    stores[3].Put("users", "bob", "reader");
    Log("bea set config/color = green, cy deleted users/alice, dee set users/bob = reader");

    // Two writes to one key at once: the later hybrid-clock stamp wins, on every node alike.
    HybridTimestamp byAda = ada.Put("config", "size", "20");
    HybridTimestamp byBea = stores[1].Put("config", "size", "30");
    string winner = byAda > byBea ? "20" : "30";
    Log($"ada set config/size = 20 ({byAda}) and bea set it to 30 ({byBea}) at once: {winner} wins everywhere");

    await Until(() => Converged(stores.Take(4)), "the four connected nodes converge");
    Log($"ada, bea, cy, dee agree: config: {Show(ada, "config")}; users: {Show(ada, "users")}");
    Check(ada.Get("config", "size") == winner, "the concurrent write with the later stamp won");
    Check(eliStore.Get("config", "color") == "blue" && eliStore.Get("users", "alice") == "admin", "eli still holds the old data");
    Log($"eli, cut off, still reads config: {Show(eliStore, "config")}; users: {Show(eliStore, "users")}");

    eliStore.Merged += entry => Log($"eli took in {entry.Prefix}/{entry.Key} = {entry.Value ?? "(deleted)"} written by {entry.Stamp.Node}");
    Check(eli.Faults.ResolvePartition(partition), "the partition was in force");
    Log("the partition is healed; nothing is written again: eli catches up by anti-entropy");
    await Until(() => Converged(stores), "all five nodes converge");
    for (int i = 0; i < nodes.Count; i++)
    {
        Log($"{nodes[i].Name} reads config: {Show(stores[i], "config")}; users: {Show(stores[i], "users")}");
    }

    long exchanges = 0;
    foreach (PartisanNode node in nodes)
    {
        exchanges += (await node.BroadcastCountersAsync()).ExchangesCompleted;
    }

    Log($"converged: all five nodes hold the same data ({exchanges} anti-entropy exchanges ran)");
    return 0;
}
catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
{
    Log("FAILED: " + ex.Message);
    return 1;
}
finally
{
    foreach (PartisanNode node in nodes)
    {
        await node.DisposeAsync();
    }
}

static string Show(MetadataStore store, string prefix) =>
    store.Fold(prefix, "", (text, key, value) => text.Length == 0 ? $"{key}={value}" : $"{text}, {key}={value}") is { Length: > 0 } shown ? shown : "(empty)";

static bool Converged(IEnumerable<MetadataStore> group)
{
    IReadOnlyDictionary<string, long>? first = null;
    foreach (MetadataStore store in group)
    {
        IReadOnlyDictionary<string, long> digests = store.Digests();
        first ??= digests;
        if (digests.Count != first.Count || digests.Any(d => first.GetValueOrDefault(d.Key) != d.Value))
        {
            return false;
        }
    }

    return true;
}

static void Check(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("expected: " + what);
    }
}

// Polls a condition with a bound: the sample's only way of waiting.
static async Task Until(Func<bool> condition, string what)
{
    var bound = Stopwatch.StartNew();
    while (!condition())
    {
        if (bound.Elapsed > TimeSpan.FromSeconds(20))
        {
            throw new TimeoutException("timed out waiting until " + what);
        }

        await Task.Delay(20);
    }
}
