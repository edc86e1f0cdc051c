using BenchmarkDotNet.Running;

// Microbenchmarks: dotnet run -c Release --project bench/Partisan.Benchmarks -- --filter '*'
// (or pick a class: --filter '*Codec*'; --job short for a quick look).
BenchmarkSwitcher.FromAssembly(typeof(Partisan.Benchmarks.Samples).Assembly).Run(args);
