using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace Partisan.Benchmarks;

/// <summary>
/// What receiving a byte[] payload costs depending on where its array comes from: a new zeroed array (what
/// WireReader.ReadBytes does today), a new array without zeroing, or a pooled one (which needs the receiver
/// to hand it back). Copies the bytes in as the reader does.
/// </summary>
[MemoryDiagnoser]
public class PayloadBenchmarks
{
    private byte[] _source = [];

    [Params(64, 1024, 65536, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => _source = new byte[Size];

    [Benchmark(Baseline = true)]
    public byte[] NewArray()
    {
        byte[] result = new byte[Size];
        _source.AsSpan().CopyTo(result);
        return result;
    }

    [Benchmark]
    public byte[] UninitializedArray()
    {
        byte[] result = GC.AllocateUninitializedArray<byte>(Size);
        _source.AsSpan().CopyTo(result);
        return result;
    }

    [Benchmark]
    public int PooledArray()
    {
        byte[] result = ArrayPool<byte>.Shared.Rent(Size);
        _source.AsSpan().CopyTo(result);
        int first = result[0];
        ArrayPool<byte>.Shared.Return(result);
        return first;
    }
}
