using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Partisan.Bench;

/// <summary>
/// Prints a table like shared/bench/disterl's and, with --json, appends JSON lines with its field names
/// (bench, transport, payload_bytes, senders, msgs, msgs_per_s, mib_per_s, p50_us, ...).
/// </summary>
internal sealed class Results(string? jsonPath, bool showCounters)
{
    public const string Transport = "partisan-dotnet";

    /// <summary>Adds min/mean/p50/p90/p99/p99.9/max in microseconds (nearest rank, as the reference).</summary>
    public static void AddLatency(Dictionary<string, object> result, long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return;
        }

        Array.Sort(ticks);
        double Us(long t) => Math.Round(t * 1_000_000.0 / Stopwatch.Frequency, 1);
        long At(double q) => ticks[Math.Clamp((int)Math.Ceiling(q * ticks.Length) - 1, 0, ticks.Length - 1)];
        double sum = 0;
        foreach (long t in ticks)
        {
            sum += t;
        }

        result["min_us"] = Us(ticks[0]);
        result["mean_us"] = Math.Round(sum / ticks.Length * 1_000_000.0 / Stopwatch.Frequency, 1);
        result["p50_us"] = Us(At(0.50));
        result["p90_us"] = Us(At(0.90));
        result["p99_us"] = Us(At(0.99));
        result["p999_us"] = Us(At(0.999));
        result["max_us"] = Us(ticks[^1]);
    }

    public void Meta(double scale)
    {
        var meta = new Dictionary<string, object>
        {
            ["bench"] = "meta",
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["runtime"] = ".NET " + Environment.Version,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["logical_processors"] = Environment.ProcessorCount,
            ["cpu_model"] = CpuModel(),
            ["server_gc"] = System.Runtime.GCSettings.IsServerGC,
            ["scale"] = scale,
        };
        Emit(meta);
        Console.WriteLine($"# {meta["date_utc"]}  transport={Transport}  {meta["runtime"]}  cpus={meta["logical_processors"]}  {meta["cpu_model"]}");
        Console.WriteLine($"# scale={scale.ToString(CultureInfo.InvariantCulture)}  server GC={meta["server_gc"]}  client node {Session.ClientName}");
        Console.WriteLine($"{"bench",-10} {"case",-28} {"n",8}  results");
    }

    public void End() => Emit(new Dictionary<string, object> { ["bench"] = "end" });

    public void Add(Dictionary<string, object> result)
    {
        string refused = result.TryGetValue("send_waited", out object? n) ? $"  [{n} sends waited for room (back-pressure)]" : "";
        Console.WriteLine(Row(result) + refused);
        if (showCounters && result.ContainsKey("c_alloc_b_per_msg"))
        {
            Console.WriteLine(CountersRow(result, "c_", "client"));
            Console.WriteLine(CountersRow(result, "s_", "server"));
        }

        Emit(result);
    }

    public static void Note(string part, string text) => Console.WriteLine($"{part,-10} {text}");

    private static string Row(Dictionary<string, object> r)
    {
        string bench = (string)r["bench"];
        string Lat() => $"p50 {F1(r, "p50_us"),9}  p99 {F1(r, "p99_us"),9}  p999 {F1(r, "p999_us"),9}  max {F1(r, "max_us"),9} us";
        switch (bench)
        {
            case "pingpong":
                return $"{bench,-10} {Size(r["payload_bytes"]),-28} {r["n"],8}  {Lat()}  ({Num(r["round_trips_per_s"])} rt/s)";
            case "throughput":
                return $"{bench,-10} {$"{Size(r["payload_bytes"])}{(r.ContainsKey("payload_kind") ? " pooled" : "")} x {r["senders"]} snd, batch {r["batch"]}",-28} {r["msgs"],8}  {Num(r["msgs_per_s"]),12} msg/s  {Num(r["mib_per_s"]),9} MiB/s  ({(double)r["elapsed_s"]:F2} s)";
            case "hol":
                string what = Convert.ToInt64(r["background_bytes"], CultureInfo.InvariantCulture) == 0
                    ? "no background"
                    : $"bg {Size(r["background_bytes"])} {r["background_channel"]} channel";
                return $"{bench,-10} {what,-28} {r["n"],8}  {Lat()}  (bg {Num(r["bg_mib_per_s"])} MiB/s)";
            case "acked":
                return $"{bench,-10} {$"{Size(r["payload_bytes"])} one-way, {r["mode"]}",-28} {r["msgs"],8}  {Num(r["msgs_per_s"]),12} msg/s  p50 {F1(r, "p50_us"),9}  p99 {F1(r, "p99_us"),9} us (send + sink's reply, {r["n"]} samples)";
            case "call":
                return $"{bench,-10} {$"{r["callers"]} caller(s)",-28} {r["n"],8}  {Lat()}  ({Num(r["calls_per_s"])} calls/s)";
            case "latency":
                string conns = $"{r["connections_used"]} conn";
                return $"{bench,-10} {$"{Size(r["payload_bytes"])} x {r["senders"]} snd, p{r["parallelism"]}, {conns}",-28} {r["n"],8}  {Num(r["ops_per_s"]),9} ops/s  {Num(r["mib_per_s"]),7} MiB/s  p50 {Ms(r, "p50_us")} ms  p99 {Ms(r, "p99_us")} ms";
            case "idle":
                return $"{bench,-10} {$"idle {r["case"]}",-28} {r["n"],8}  {Format(r["bytes_per_process"])} B each ({Format(r["bytes_per_process_after_answer"])} B after one message; heap size {Format(r["heap_size_bytes_per_process"])} B), {Format(r["allocated_bytes_per_spawn"])} B allocated a spawn; spawned in {r["spawn_s"]} s ({r["spawns_per_s"]}/s), {r["answered"]} answered ({r["called"]} calls) in {r["check_s"]} s, stopped in {r["stop_s"]} s; heap {r["heap_mib"]} MiB, working set {r["working_set_mib"]} MiB";
            case "reconnect":
                return $"{bench,-10} {"default channel killed",-28} {r["kills"],8}  back in p50 {r["p50_ms"]} ms (min {r["min_ms"]}, max {r["max_ms"]})";
            case "converge":
                return $"{bench,-10} {$"{r["nodes"]} nodes, {r["network"]}",-28} {r["nodes"],8}  members known in {r["members_s"]} s, connected in {r["converge_s"]} s, {r["membership_mib"]} MiB of membership traffic, {r["warnings"]} warnings, {r["node_down_events"]} node-down events; idle {r["idle_cpu_pct_of_core"]}% of a core, {r["idle_membership_kib_s"]} KiB/s of membership traffic";
            case "broadcast" when r.ContainsKey("reached_all"):
                return $"{bench,-10} {$"{r["nodes"]} simulated, {r["overlay"]}",-28} {r["n"],8}  {r["reached_all"]} reached all; time to reach all p50 {r["reach_p50_virtual_ms"]} ms, max {r["reach_max_virtual_ms"]} ms virtual; rmr {r["rmr"]} ({r["wall_s"]} s wall, seed {r["seed"]})";
            case "broadcast" when r.ContainsKey("broadcasts_per_s"):
                return $"{bench,-10} {$"{r["nodes"]} nodes tcp, {Size(r["payload_bytes"])} burst",-28} {r["n"],8}  {Num(r["broadcasts_per_s"]),12} broadcasts/s to all nodes ({r["elapsed_s"]} s), rmr {r["rmr"]}, {r["warnings"]} warnings";
            case "broadcast":
                return $"{bench,-10} {$"{r["nodes"]} nodes tcp, {Size(r["payload_bytes"])} one by one",-28} {r["n"],8}  time to reach all: {Lat()}";
            case "simulate" when r.ContainsKey("kill"):
                return $"{bench,-10} {$"{r["overlay"]}, {r["kill"]} killed",-28} {r["live"],8}  largest component {r["largest_component"]} ({r["largest_component_pct"]}% of the live nodes) after {r["recovery_virtual_s"]} s virtual, links {r["link_degree"]} ({r["recovery_wall_s"]} s wall)";
            case "simulate":
                return $"{bench,-10} {$"{r["overlay"]}, seed {r["seed"]}",-28} {r["nodes"],8}  converged {r["converged"]} in {r["converge_virtual_s"]} s virtual, {r["converge_messages"]} messages ({r["converge_wall_s"]} s wall, {r["events_per_s"]} events/s); steady {r["steady_msgs_per_node_s"]} msg/node/s; links {r["link_degree"]}; {r["bytes_per_node"]} B/node; total wall {r["wall_s"]} s; trace {r["trace_hash"]}";
            default:
                return string.Join("  ", r.Select(kv => $"{kv.Key}={Format(kv.Value)}"));
        }
    }

    private static string CountersRow(Dictionary<string, object> r, string p, string who) =>
        $"{"",-10}   {who}: {Format(r[p + "alloc_b_per_msg"])} B/msg, gc {r[p + "gc0"]}/{r[p + "gc1"]}/{r[p + "gc2"]}, " +
        $"{Format(r[p + "work_items_per_msg"])} work items/msg, cpu {Format(r[p + "cpu_user_us_per_msg"])}+{Format(r[p + "cpu_sys_us_per_msg"])} us/msg (user+sys), " +
        $"{r[p + "lock_contentions"]} lock contentions, {r[p + "pool_threads"]} pool threads";

    private static string F1(Dictionary<string, object> r, string key) =>
        r.TryGetValue(key, out object? v) ? ((double)v).ToString("F1", CultureInfo.InvariantCulture) : "-";

    private static string Ms(Dictionary<string, object> r, string key) =>
        r.TryGetValue(key, out object? v) ? ((double)v / 1000).ToString("F1", CultureInfo.InvariantCulture) : "-";

    private static string Num(object value)
    {
        double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return v >= 100 ? Math.Round(v).ToString("F0", CultureInfo.InvariantCulture) : v.ToString("F1", CultureInfo.InvariantCulture);
    }

    private static string Size(object value)
    {
        long b = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        return b >= 1024 * 1024 && b % (1024 * 1024) == 0 ? $"{b / (1024 * 1024)}MiB"
            : b >= 1024 && b % 1024 == 0 ? $"{b / 1024}KiB"
            : $"{b}B";
    }

    private void Emit(Dictionary<string, object> result)
    {
        result["transport"] = Transport;
        if (jsonPath is null)
        {
            return;
        }

        var json = new StringBuilder("{");
        bool first = true;
        foreach ((string key, object value) in result.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!showCounters && (key.StartsWith("c_", StringComparison.Ordinal) || key.StartsWith("s_", StringComparison.Ordinal)))
            {
                continue;
            }

            json.Append(first ? "" : ",").Append(Quote(key)).Append(':');
            json.Append(value switch
            {
                string s => Quote(s),
                bool b => b ? "true" : "false",
                _ => Format(value),
            });
            first = false;
        }

        File.AppendAllText(jsonPath, json.Append("}\n").ToString());
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case < ' ':
                    sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string Format(object value) => value switch
    {
        double d => double.IsFinite(d) ? d.ToString("0.###", CultureInfo.InvariantCulture) : "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return "unknown";
    }
}
