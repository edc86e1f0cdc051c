using System.Globalization;
using Partisan.Fuzz;
using SharpFuzz;

// Modes (README.md has the full commands):
//   loop [inputs] [seed]   mutated and random inputs without AFL; reports crashes and managed heap growth
//   afl                    the SharpFuzz fork server for afl-fuzz (instrument Partisan.Runtime.dll first)
//   libfuzzer              the SharpFuzz runner for libfuzzer-dotnet
//   corpus <dir>           writes the valid seed frames, one input a file, for afl-fuzz -i or libFuzzer
//   replay <file|dir>...   runs saved inputs (a crash AFL found) and prints the outcome or the exception
string mode = args.Length > 0 ? args[0] : "loop";
switch (mode)
{
    case "loop":
    {
        long inputs = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        int seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        string crashes = Environment.GetEnvironmentVariable("FUZZ_CRASH_DIR") ?? Path.Combine(Path.GetTempPath(), "partisan-fuzz-crashes");
        return PlainLoop.Run(new PlainLoop.Settings(inputs, seed, crashes, MaxHeapGrowth: 16L * 1024 * 1024), Console.Out);
    }

    case "afl":
    {
        // One target a process: its registry keeps the collection types descriptors made it build (bounded), as a node's does.
        FrameDecoderTarget? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= UserMessages.NewTarget();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target.Run(copy.ToArray());
        });
        return 0;
    }

    case "libfuzzer":
    {
        var target = UserMessages.NewTarget();
        Fuzzer.LibFuzzer.Run(span => target.Run(span.ToArray()));
        return 0;
    }

    case "corpus" when args.Length > 1:
    {
        Directory.CreateDirectory(args[1]);
        IReadOnlyList<CorpusFrame> corpus = FrameCorpus.Build(UserMessages.NewTarget(), UserMessages.Samples);
        for (int i = 0; i < corpus.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(args[1], $"seed-{i:D3}.bin"), [0, .. corpus[i].Bytes]);
        }

        Console.WriteLine($"{corpus.Count} seed inputs written to {args[1]}");
        return 0;
    }

    case "replay" when args.Length > 1:
    {
        var target = UserMessages.NewTarget();
        int failures = 0;
        foreach (string path in args[1..].SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]))
        {
            try
            {
                Console.WriteLine($"{path}: {target.Run(File.ReadAllBytes(path))}");
            }
            catch (Exception ex)
            {
                failures++;
                Console.WriteLine($"{path}: CRASH {ex}");
            }
        }

        return failures == 0 ? 0 : 1;
    }

    default:
        Console.Error.WriteLine("usage: Partisan.Fuzz loop [inputs] [seed] | afl | libfuzzer | corpus <dir> | replay <file|dir>...");
        return 2;
}
