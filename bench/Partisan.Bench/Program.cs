using System.Diagnostics;
using System.Globalization;
using Partisan;
using Partisan.Bench;

// Partisan.Bench: runs between two OS processes on 127.0.0.1 (it starts the second one itself).
//   dotnet run -c Release --project bench/Partisan.Bench -- [pingpong|throughput|all] [--json FILE] [--scale X]
const string Secret = "partisan-bench-secret";
BenchTypes.Register();

if (args.Length >= 2 && args[0] == "serve")
{
    return await BenchServer.RunAsync(args[1], Secret);
}

string part = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
string? jsonPath = null;
double scale = 1.0;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--json" && i + 1 < args.Length)
    {
        jsonPath = args[++i];
    }
    else if (args[i] == "--scale" && i + 1 < args.Length)
    {
        scale = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
}

if (part is not ("pingpong" or "throughput" or "all"))
{
    Console.Error.WriteLine($"Unknown part '{part}'. Use pingpong, throughput or all. (hol, latency and call come with the benchmark issue.)");
    return 2;
}

using Process server = StartServer();
string? ready = await server.StandardOutput.ReadLineAsync();
if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal))
{
    Console.Error.WriteLine("The server process did not start: " + ready);
    return 1;
}

string[] parts = ready.Split(' ');
var remoteName = NodeName.Parse(parts[1]);
var clientOptions = new PartisanOptions { NodeName = "bench-a@127.0.0.1", ClusterSecret = Secret };
clientOptions.ListenAddresses.Add("127.0.0.1:0");
BenchChannels.Configure(clientOptions);
await using PartisanNode node = await PartisanNode.StartAsync(clientOptions);
await node.JoinAsync(parts[2]);
var deadline = Stopwatch.StartNew();
while (!node.IsFullyConnected(remoteName))
{
    if (deadline.Elapsed > TimeSpan.FromSeconds(20))
    {
        Console.Error.WriteLine("Could not connect to the server process.");
        return 1;
    }

    await Task.Delay(10);
}

var results = new Results(jsonPath);
results.Meta();
bool ok = true;
try
{
    if (part is "pingpong" or "all")
    {
        results.Add(await Scenarios.PingPongAsync(node, remoteName, 64, Scaled(10_000, scale), Scaled(100_000, scale)));
    }

    if (part is "throughput" or "all")
    {
        foreach ((int size, int count) in new[] { (64, 400_000), (1024, 200_000), (65536, 16_000) })
        {
            await Scenarios.ThroughputAsync(node, remoteName, size, 1, Scaled(Math.Min(count, 20_000) / 10, scale)); // warm-up
            foreach (int senders in new[] { 1, 4, 16 })
            {
                results.Add(await Scenarios.ThroughputAsync(node, remoteName, size, senders, Scaled(count, scale)));
            }
        }
    }
}
catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
{
    Console.Error.WriteLine("Benchmark failed: " + ex.Message);
    ok = false;
}
finally
{
    server.StandardInput.Close();
    if (!server.WaitForExit(5000))
    {
        server.Kill();
    }
}

results.End();
return ok ? 0 : 1;

static int Scaled(int count, double scale) => Math.Max(1, (int)(count * scale));

static Process StartServer()
{
    string self = Environment.ProcessPath!;
    var info = new ProcessStartInfo(self)
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        info.ArgumentList.Add(typeof(BenchServer).Assembly.Location);
    }

    info.ArgumentList.Add("serve");
    info.ArgumentList.Add("bench-b@127.0.0.1");
    return Process.Start(info) ?? throw new InvalidOperationException("Cannot start the server process.");
}
