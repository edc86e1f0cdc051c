using System.Diagnostics;
using System.Globalization;

namespace Partisan.Fuzz;

/// <summary>
/// Runs mutated and random inputs through the target without AFL: a seeded <see cref="Random"/>, the valid frames of
/// <see cref="FrameCorpus"/> as seeds. Reports crashes (and saves their inputs), the most allocating input, and the
/// managed heap growth (<see cref="GC.GetTotalMemory(bool)"/> after a full collection, before the first input and
/// after the last).
/// </summary>
internal static class PlainLoop
{
    public sealed record Settings(long Inputs, int Seed, string CrashDirectory, long MaxHeapGrowth);

    public static int Run(Settings settings, TextWriter output)
    {
        var target = UserMessages.NewTarget();
        IReadOnlyList<CorpusFrame> corpus = FrameCorpus.Build(target, UserMessages.Samples);
        var mutator = new FrameMutator(corpus.Select(f => f.Bytes).ToList(), new Random(settings.Seed));
        output.WriteLine($"plain loop: {settings.Inputs:N0} inputs, seed {settings.Seed}, {corpus.Count} seed frames, max frame size {target.MaxFrameSize:N0}");

        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        int crashes = 0;
        long worstAllocation = 0;
        byte[]? worstInput = null;
        double worstRatio = 0;
        byte[]? worstRatioInput = null;
        var outcomes = new long[Enum.GetValues<FuzzOutcome>().Length];

        for (long i = 0; i < settings.Inputs; i++)
        {
            byte[] input = mutator.Next();
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                outcomes[(int)target.Run(input)]++;
            }
            catch (Exception ex)
            {
                crashes++;
                string path = Save(settings.CrashDirectory, $"crash-{settings.Seed}-{i}.bin", input);
                output.WriteLine($"CRASH at input {i} (saved to {path}): {ex}");
                continue;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > worstAllocation)
            {
                worstAllocation = allocated;
                worstInput = input;
            }

            double ratio = (double)allocated / input.Length;
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worstRatioInput = input;
            }

            if ((i + 1) % 100_000 == 0)
            {
                output.WriteLine($"  {i + 1:N0} inputs, {clock.Elapsed.TotalSeconds:F1} s, heap {GC.GetTotalMemory(false) / 1024.0 / 1024.0:F1} MiB");
            }
        }

        clock.Stop();
        long allocatedTotal = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        long growth = heapAfter - heapBefore;

        output.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s ({settings.Inputs / Math.Max(0.001, clock.Elapsed.TotalSeconds):N0} inputs/s)");
        output.WriteLine("outcomes: " + string.Join(", ", Enum.GetValues<FuzzOutcome>().Select(o => $"{o} {outcomes[(int)o]:N0}")));
        output.WriteLine("target: " + target.Stats);
        output.WriteLine($"allocated in total: {allocatedTotal / 1024.0 / 1024.0:F1} MiB; most by one input: {worstAllocation:N0} bytes ({worstInput?.Length ?? 0} bytes long)");
        output.WriteLine($"most allocated per input byte: {worstRatio:F0} ({worstRatioInput?.Length ?? 0} bytes long)");
        if (worstInput is not null && worstAllocation > 1024 * 1024)
        {
            output.WriteLine($"  saved to {Save(settings.CrashDirectory, $"most-allocating-{settings.Seed}.bin", worstInput)}");
        }

        output.WriteLine($"managed heap: {Mib(heapBefore)} MiB before, {Mib(heapAfter)} MiB after: growth {Mib(growth)} MiB (limit {Mib(settings.MaxHeapGrowth)} MiB)");
        output.WriteLine($"crashes: {crashes}");
        bool pass = crashes == 0 && growth < settings.MaxHeapGrowth;
        output.WriteLine(pass ? "PASS" : "FAIL");
        return pass ? 0 : 1;
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F2", CultureInfo.InvariantCulture);

    private static string Save(string directory, string name, byte[] input)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, input);
        return path;
    }
}
