using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Tests.Support;

/// <summary>
/// Checked-in snapshots of generated source: <c>Snapshots/&lt;Test&gt;.&lt;hint&gt;.verified.cs</c>. A mismatch
/// writes <c>.received.cs</c> beside it and fails with a unified diff; PARTISAN_ACCEPT_SNAPSHOTS=1
/// rewrites the verified files instead (see README.md).
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "PARTISAN_ACCEPT_SNAPSHOTS";

    /// <summary>Compares every generated file of <paramref name="result"/> with its snapshot, and fails on any extra or missing one.</summary>
    public static void Verify(GeneratorDriverRunResult result, [CallerMemberName] string test = "", [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        bool accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1";
        var failures = new StringBuilder();
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (GeneratedSourceResult source in result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            string name = source.HintName.EndsWith(".g.cs", StringComparison.Ordinal) ? source.HintName[..^".g.cs".Length] : source.HintName;
            string verified = Path.Combine(directory, $"{test}.{name}.verified.cs");
            string received = Path.Combine(directory, $"{test}.{name}.received.cs");
            expectedFiles.Add(Path.GetFileName(verified));
            string actual = Normalize(source.SourceText.ToString());
            string? expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
            if (expected == actual)
            {
                File.Delete(received);
                continue;
            }

            if (accept)
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(verified, actual);
                File.Delete(received);
                continue;
            }

            File.WriteAllText(received, actual);
            failures.Append(expected is null
                ? $"No snapshot {Path.GetFileName(verified)}; the output is in {Path.GetFileName(received)}.\n"
                : $"{Path.GetFileName(verified)} differs (output in {Path.GetFileName(received)}):\n{UnifiedDiff(expected, actual)}\n");
        }

        if (Directory.Exists(directory))
        {
            foreach (string stale in Directory.GetFiles(directory, test + ".*.verified.cs"))
            {
                if (!expectedFiles.Contains(Path.GetFileName(stale)))
                {
                    if (accept)
                    {
                        File.Delete(stale);
                    }
                    else
                    {
                        failures.Append($"{Path.GetFileName(stale)} was not generated any more.\n");
                    }
                }
            }
        }

        if (failures.Length > 0)
        {
            Assert.Fail(failures + $"Accept with {AcceptVariable}=1 (see tests/Partisan.Generators.Tests/README.md).");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>A unified diff (3 lines of context) from <paramref name="expected"/> to <paramref name="actual"/>.</summary>
    public static string UnifiedDiff(string expected, string actual)
    {
        DiffPaneModel diff = new InlineDiffBuilder(new DiffPlex.Differ()).BuildDiffModel(expected, actual);
        var lines = diff.Lines;
        var keep = new bool[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type != ChangeType.Unchanged)
            {
                for (int j = Math.Max(0, i - 3); j <= Math.Min(lines.Count - 1, i + 3); j++)
                {
                    keep[j] = true;
                }
            }
        }

        var output = new StringBuilder("--- verified\n+++ received\n");
        bool gap = false;
        for (int i = 0; i < lines.Count; i++)
        {
            if (!keep[i])
            {
                gap = true;
                continue;
            }

            if (gap || i == 0)
            {
                output.Append("@@ line ").Append(lines[i].Position ?? i + 1).Append(" @@\n");
                gap = false;
            }

            char prefix = lines[i].Type switch
            {
                ChangeType.Inserted => '+',
                ChangeType.Deleted => '-',
                _ => ' ',
            };
            output.Append(prefix).Append(lines[i].Text).Append('\n');
        }

        return output.ToString();
    }
}
