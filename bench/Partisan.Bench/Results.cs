using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Partisan.Bench;

/// <summary>Prints a table and, with --json, appends JSON lines with the field names of shared/bench/disterl.</summary>
internal sealed class Results(string? jsonPath)
{
    public static Dictionary<string, object> Latency(long[] ticks)
    {
        Array.Sort(ticks);
        double Us(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1_000_000.0 / Stopwatch.Frequency;
        double mean = 0;
        foreach (long t in ticks)
        {
            mean += t;
        }

        mean = mean / ticks.Length * 1_000_000.0 / Stopwatch.Frequency;
        return new Dictionary<string, object>
        {
            ["min_us"] = Math.Round(Us(0), 1),
            ["mean_us"] = Math.Round(mean, 1),
            ["p50_us"] = Math.Round(Us(0.50), 1),
            ["p90_us"] = Math.Round(Us(0.90), 1),
            ["p99_us"] = Math.Round(Us(0.99), 1),
            ["p999_us"] = Math.Round(Us(0.999), 1),
            ["max_us"] = Math.Round(ticks[^1] * 1_000_000.0 / Stopwatch.Frequency, 1),
        };
    }

    public void Meta() => Emit(new Dictionary<string, object>
    {
        ["bench"] = "meta",
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["runtime"] = Environment.Version.ToString(),
        ["cpus"] = Environment.ProcessorCount,
    }, print: false);

    public void End() => Emit(new Dictionary<string, object> { ["bench"] = "end" }, print: false);

    public void Add(Dictionary<string, object> result) => Emit(result, print: true);

    private void Emit(Dictionary<string, object> result, bool print)
    {
        result["transport"] = "partisan-dotnet";
        if (print)
        {
            var line = new StringBuilder();
            foreach ((string key, object value) in result)
            {
                line.Append(CultureInfo.InvariantCulture, $"{key}={Format(value)}  ");
            }

            Console.WriteLine(line.ToString().TrimEnd());
        }

        if (jsonPath is not null)
        {
            var json = new StringBuilder("{");
            bool first = true;
            foreach ((string key, object value) in result)
            {
                json.Append(first ? "" : ",").Append('"').Append(key).Append("\":");
                json.Append(value is string s ? "\"" + s + "\"" : Format(value));
                first = false;
            }

            File.AppendAllText(jsonPath, json.Append("}\n").ToString());
        }
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
