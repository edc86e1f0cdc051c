using System.Globalization;
using System.Runtime.InteropServices;
using Partisan;
using Partisan.Bench;

// Partisan.Bench: two OS processes on 127.0.0.1 (it starts the second one itself); see bench/README.md.
//   dotnet run -c Release --project bench/Partisan.Bench -- [pingpong|throughput|acked|hol|latency|call|all] [--json FILE] [--scale X]
//   dotnet run -c Release --project bench/Partisan.Bench -- converge [--nodes N] [--memory]
//   dotnet run -c Release --project bench/Partisan.Bench -- reconnect
//   dotnet run -c Release --project bench/Partisan.Bench -- idle [--scale X] [--processes N]
//   dotnet run -c Release --project bench/Partisan.Bench -- broadcast [--nodes N] [--scale X] [--simulated] [--seed S]
//   dotnet run -c Release --project bench/Partisan.Bench -- simulate [--overlay fullmesh|hyparview] [--nodes N] [--kill 0.5,0.8] [--seed S]
//   dotnet run -c Release --project bench/Partisan.Bench -- proxy --listen PORT --to HOST:PORT --delay-ms N [--window BYTES]
const string Usage = """
    usage: Partisan.Bench [pingpong|throughput|acked|hol|latency|call|all] [--json FILE] [--scale X]
                          [--counters] [--causal] [--delay-ms N] [--window BYTES] [--protection None|Authenticated|Encrypted]
           Partisan.Bench converge [--nodes N] [--memory] [--json FILE]
           Partisan.Bench reconnect [--json FILE]
           Partisan.Bench idle [--scale X] [--processes N] [--json FILE]
           Partisan.Bench broadcast [--nodes N] [--scale X] [--simulated] [--seed S] [--json FILE]
           Partisan.Bench simulate [--overlay fullmesh|hyparview] [--nodes N] [--kill 0.5,0.8] [--seed S] [--json FILE]
           Partisan.Bench proxy --listen [127.0.0.1:]PORT --to HOST:PORT --delay-ms N [--window BYTES]
      --json FILE     append one JSON object per result (disterl's field names) to FILE
      --scale X       multiply every message count and time limit (default 1)
      --causal        acked part: also causal delivery, unacked and acked (64 B msg/s and p50 beside plain and acked)
      --counters      also report GC, allocation, thread-pool and CPU figures per message, both processes
      --delay-ms N    latency scenario: delay of the proxy each way (default 10, so 20 ms RTT)
      --window BYTES  latency scenario / proxy: bytes in flight per connection and direction (default 4194304)
      --protection X  frame protection of both processes' nodes (default: PartisanOptions' default)
      --processes N   idle scenario: idle processes, servers and machines of each kind (default 100000 x scale)
      --nodes N       converge scenario: full-mesh nodes in this process, all joining at once (default 64)
      --memory        converge scenario: over the in-memory transport instead of TCP on 127.0.0.1
      --nodes N       broadcast scenario: full-mesh TCP nodes with broadcast on (default 8; simulated: 1000)
      --simulated     broadcast scenario: Plumtree over HyParView in the simulator (virtual time) instead of TCP
      --overlay NAME  simulate: the overlay (fullmesh, hyparview)
      --nodes N       simulate: simulated nodes (default 200)
      --kill A,B      simulate: fractions of the nodes crashed in turn, each followed by a recovery period (default 0.5,0.8)
      --seed S        simulate: the simulation's seed (default 1); equal seeds give equal runs (see trace_hash)
    """;

BenchTypes.Register();
if (args.Length >= 3 && args[0] == "serve")
{
    return await BenchServer.RunAsync(args[1], args[2], Session.Secret);
}

if (args.Length >= 1 && args[0] == "proxy")
{
    return await ProxyCommand.RunAsync(args[1..]);
}

string part = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "all";
string? jsonPath = null;
double scale = 1.0;
bool counters = false;
bool causalModes = false;
double delayMs = 10;
int window = 4 * 1024 * 1024;
int? nodeCount = null;
bool memory = false;
bool simulated = false;
string simOverlay = "fullmesh";
double[] simKills = [0.5, 0.8];
int simSeed = 1;
int? processCount = null;
for (int i = args.Length > 0 && !args[0].StartsWith('-') ? 1 : 0; i < args.Length; i++)
{
    string? Next() => i + 1 < args.Length ? args[++i] : null;
    switch (args[i])
    {
        case "--json":
            jsonPath = Next();
            break;
        case "--scale" when double.TryParse(Next(), CultureInfo.InvariantCulture, out double s) && s > 0:
            scale = s;
            break;
        case "--causal":
            causalModes = true;
            break;
        case "--counters":
            counters = true;
            break;
        case "--delay-ms" when double.TryParse(Next(), CultureInfo.InvariantCulture, out double d) && d >= 0:
            delayMs = d;
            break;
        case "--window" when int.TryParse(Next(), CultureInfo.InvariantCulture, out int w) && w >= 1024:
            window = w;
            break;
        case "--nodes" when int.TryParse(Next(), CultureInfo.InvariantCulture, out int n) && n >= 2:
            nodeCount = n;
            break;
        case "--overlay" when Next() is { } o:
            simOverlay = o;
            break;
        case "--kill" when Next() is { } k:
            simKills = k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            break;
        case "--seed" when int.TryParse(Next(), CultureInfo.InvariantCulture, out int seedValue):
            simSeed = seedValue;
            break;
        case "--processes" when int.TryParse(Next(), CultureInfo.InvariantCulture, out int pc) && pc >= 1:
            processCount = pc;
            break;
        case "--memory":
            memory = true;
            break;
        case "--simulated":
            simulated = true;
            break;
        case "--protection" when Enum.TryParse(Next(), ignoreCase: true, out Partisan.Transport.FrameProtection p) && Enum.IsDefined(p):
            // The server process inherits the environment.
            Environment.SetEnvironmentVariable(BenchChannels.ProtectionVariable, p.ToString());
            break;
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'.\n{Usage}");
            return 2;
    }
}

if (part is not ("pingpong" or "throughput" or "acked" or "hol" or "latency" or "call" or "converge" or "reconnect" or "idle" or "simulate" or "broadcast" or "all") || (jsonPath is null && args.Contains("--json")))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

if (part == "simulate" && !Simulate.Names.Contains(simOverlay))
{
    Console.Error.WriteLine($"Unknown overlay '{simOverlay}' (known: {string.Join(", ", Simulate.Names)}).");
    return 2;
}

Console.CancelKeyPress += (_, _) => ChildProcesses.KillAll();
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcesses.KillAll();

var results = new Results(jsonPath, counters);
results.Meta(scale);
bool all = part == "all";
try
{
    if (all || part is "pingpong" or "throughput" or "acked" or "hol")
    {
        await using Session session = await Session.StartAsync(proxy: null);
        if (all || part == "pingpong")
        {
            results.Add(await Measure(session, () => Scenarios.PingPongAsync(session, 64, Scaled(10_000), Scaled(100_000)), "n"));
        }

        if (all || part == "throughput")
        {
            const int Batch = 1000;
            int[] sizes = EnvList("BENCH_TP_SIZES", [64, 1024, 65536]);
            foreach (int size in sizes)
            {
                await Scenarios.ThroughputAsync(session, size, 1, Math.Max(1, Scaled(TotalFor(size)) / 10), Batch); // warm-up, not reported
            }

            foreach (int size in sizes)
            {
                int total = TotalFor(size);
                foreach (int senders in EnvList("BENCH_TP_SENDERS", [1, 4, 16]))
                {
                    int perSender = Math.Max(1, Scaled(total) / senders);
                    results.Add(await Measure(session, () => Scenarios.ThroughputAsync(session, size, senders, perSender, Batch), "msgs"));
                }
            }

            // Large payloads again as PooledBytes: received in pooled memory, given back by the sink.
            foreach (int size in sizes)
            {
                if (size < 65536)
                {
                    continue;
                }

                foreach (int senders in new[] { 1, 16 })
                {
                    int perSender = Math.Max(1, Scaled(TotalFor(size)) / senders);
                    results.Add(await Measure(session, () => Scenarios.ThroughputAsync(session, size, senders, perSender, Batch, pooled: true), "msgs"));
                }
            }
        }

        if (all || part == "acked")
        {
            // Acknowledged delivery against plain sends, 64 B, one sender, in one session: plain first, as the first acked
            // send installs the acknowledgement stage in the sender's pipeline for good; each after its own warm-up. With
            // --causal, then causal (unacked) and causal + acked, after the first labelled send installed the causal stage.
            (bool Ack, bool Causal)[] modes = causalModes ? [(false, false), (true, false), (false, true), (true, true)] : [(false, false), (true, false)];
            foreach ((bool ack, bool causal) in modes)
            {
                await Acked.RunAsync(session, 64, ack, causal, Scaled(20_000), Scaled(1000)); // warm-up, not reported
                results.Add(await Measure(session, () => Acked.RunAsync(session, 64, ack, causal, Scaled(200_000), Scaled(5000)), "msgs"));
            }
        }

        if (all || part == "hol")
        {
            int maxPings = Scaled(20_000);
            TimeSpan maxTime = TimeSpan.FromMilliseconds(Math.Round(10_000 * scale));
            await Scenarios.PingAsync(session.Node, session.Remote, Scenarios.Payload(64), Scaled(5000), 0, TimeSpan.MaxValue); // warm-up
            foreach ((int background, bool separate) in new[] { (0, false), (Scenarios.MiB, false), (Scenarios.MiB, true), (8 * Scenarios.MiB, false), (8 * Scenarios.MiB, true) })
            {
                results.Add(await Measure(session, () => Scenarios.HolCaseAsync(session, 64, background, separate, maxPings, maxTime), "n"));
            }
        }
    }

    if (all || part == "latency")
    {
        var proxy = new ProxyTransport(TimeSpan.FromMilliseconds(delayMs), window);
        await using Session session = await Session.StartAsync(proxy);
        int[] keys = await Scenarios.CalibrateKeysAsync(session, BenchChannels.Parallel, BenchChannels.ParallelConnections);
        (long[] rtt, _) = await Scenarios.PingAsync(session.Node, session.Remote, Scenarios.Payload(64), 2, 20, TimeSpan.MaxValue);
        Array.Sort(rtt);
        Results.Note("latency", $"proxy {delayMs.ToString(CultureInfo.InvariantCulture)} ms each way, window {window} B; 64 B ping through it: p50 {Scenarios.Seconds(rtt[rtt.Length / 2]) * 1000:F1} ms");
        TimeSpan duration = TimeSpan.FromSeconds(Math.Max(1, 5 * scale));
        foreach (int size in new[] { 8 * Scenarios.MiB, 512 * 1024 })
        {
            results.Add(await Measure(session, () => Scenarios.LatencyCaseAsync(session, size, BenchChannels.Single, 1, keys, duration), "n"));
            results.Add(await Measure(session, () => Scenarios.LatencyCaseAsync(session, size, BenchChannels.Parallel, BenchChannels.ParallelConnections, keys, duration), "n"));
        }
    }

    if (part == "reconnect")
    {
        results.Add(await Reconnect.RunAsync(30));
    }

    if (part == "idle")
    {
        int idleCount = processCount ?? Scaled(100_000);
        foreach (Dictionary<string, object> result in await Idle.RunAsync(idleCount, TimeSpan.FromSeconds(Math.Max(60, idleCount / 5000))))
        {
            results.Add(result);
        }
    }

    if (part == "simulate")
    {
        foreach (Dictionary<string, object> result in Simulate.Run(simOverlay, nodeCount ?? 200, simKills, simSeed, scale))
        {
            results.Add(result);
        }
    }

    if (part == "broadcast" && simulated)
    {
        results.Add(BroadcastSimulate.Run(nodeCount ?? 1000, Scaled(20), simSeed));
    }

    if (part == "broadcast" && !simulated)
    {
        // Plumtree on TCP: time to reach all, one broadcast at a time, and broadcasts per second in a burst.
        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(30, 120 * scale));
        foreach (Dictionary<string, object> result in await BroadcastBench.RunAsync(nodeCount ?? 8, Scaled(500), Scaled(20_000), 64, limit))
        {
            results.Add(result);
        }
    }

    if (part == "converge")
    {
        int convergeNodes = nodeCount ?? 64;
        TimeSpan limit = TimeSpan.FromSeconds(Math.Max(30, convergeNodes * scale));
        results.Add(await Converge.RunAsync(convergeNodes, memory, limit, TimeSpan.FromSeconds(Math.Max(2, 10 * scale))));
    }

    if (all || part == "call")
    {
        await using Session session = await Session.StartAsync(proxy: null);
        int total = Scaled(100_000);
        await Scenarios.CallAsync(session, 64, 1, Scaled(10_000)); // warm-up, not reported
        foreach (int callers in EnvList("BENCH_CALL_CALLERS", [1, 16]))
        {
            results.Add(await Measure(session, () => Scenarios.CallAsync(session, 64, callers, Math.Max(1, total / callers)), "n"));
        }
    }
}
catch (Exception ex) when (ex is LostMessageException or TimeoutException or PartisanException)
{
    Console.Error.WriteLine("Benchmark failed: " + ex.Message);
    return 1;
}
finally
{
    results.End();
    ChildProcesses.KillAll();
}

return 0;

int Scaled(int count) => Math.Max(1, (int)Math.Round(count * scale));

// Messages per throughput configuration, as the reference: 400k (64 B), 200k (up to 1 KiB), 16k (up to 64 KiB), else 1000.
static int TotalFor(int size) => size <= 64 ? 400_000 : size <= 1024 ? 200_000 : size <= 65536 ? 16_000 : 1000;

// For profiling one case: the reference's knobs BENCH_TP_SIZES and BENCH_TP_SENDERS (comma-separated) work here too.
static int[] EnvList(string name, int[] defaults) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
        ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray()
        : defaults;

async Task<Dictionary<string, object>> Measure(Session session, Func<Task<Dictionary<string, object>>> run, string countKey)
{
    long refusedBefore = Scenarios.Refused;
    if (!counters)
    {
        return WithRefused(await run());
    }

    Counters serverBefore = await session.ServerCountersAsync();
    Counters clientBefore = Counters.Take();
    Dictionary<string, object> result = WithRefused(await run());
    Counters clientDelta = Counters.Take() - clientBefore;
    Counters serverDelta = await session.ServerCountersAsync() - serverBefore;
    double messages = Convert.ToDouble(result[countKey], CultureInfo.InvariantCulture);
    clientDelta.AddTo(result, "c_", messages);
    serverDelta.AddTo(result, "s_", messages);
    return result;

    Dictionary<string, object> WithRefused(Dictionary<string, object> r)
    {
        long refused = Scenarios.Refused - refusedBefore;
        if (refused > 0)
        {
            r["send_waited"] = refused;
        }

        return r;
    }
}

/// <summary>The delay proxy as a standalone program, in front of any TCP server on loopback.</summary>
internal static class ProxyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int? listenPort = null;
        string? to = null;
        double? delayMs = null;
        int window = 4 * 1024 * 1024;
        for (int i = 0; i < args.Length; i += 2)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--listen" when value is not null:
                    string port = value;
                    if (value.Contains(':', StringComparison.Ordinal))
                    {
                        var address = ListenAddress.Parse(value);
                        if (!DelayProxy.IsLoopback(address.Host))
                        {
                            Console.Error.WriteLine("The proxy listens on loopback only.");
                            return 2;
                        }

                        port = address.Port.ToString(CultureInfo.InvariantCulture);
                    }

                    listenPort = int.TryParse(port, CultureInfo.InvariantCulture, out int p) ? p : null;
                    break;
                case "--to" when value is not null:
                    to = value;
                    break;
                case "--delay-ms" when double.TryParse(value, CultureInfo.InvariantCulture, out double d) && d >= 0:
                    delayMs = d;
                    break;
                case "--window" when int.TryParse(value, CultureInfo.InvariantCulture, out int w) && w >= 1024:
                    window = w;
                    break;
                default:
                    Console.Error.WriteLine($"proxy: unknown or invalid argument '{args[i]}'. Use --listen PORT --to HOST:PORT --delay-ms N [--window BYTES].");
                    return 2;
            }
        }

        if (listenPort is null || to is null || delayMs is null)
        {
            Console.Error.WriteLine("proxy: --listen PORT, --to HOST:PORT and --delay-ms N are required.");
            return 2;
        }

        var target = ListenAddress.Parse(to);
        await using DelayProxy proxy = DelayProxy.Start(listenPort.Value, target.Host, target.Port, TimeSpan.FromMilliseconds(delayMs.Value), window);
        Console.WriteLine($"proxy 127.0.0.1:{proxy.Port} -> {target}, {delayMs.Value.ToString(CultureInfo.InvariantCulture)} ms each way, window {window} bytes per connection and direction; Ctrl+C or SIGTERM stops it");
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopped.TrySetResult(); });
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.TrySetResult(); });
        await stopped.Task;
        return 0;
    }
}
