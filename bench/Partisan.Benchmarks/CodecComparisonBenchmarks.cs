using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MemoryPack;
using Partisan.Serialization;

namespace Partisan.Benchmarks;

/// <summary>
/// Our codec against MemoryPack on the same shapes (<see cref="ComparisonSamples"/>): serialize into a reused buffer,
/// deserialize from one contiguous block. Ours goes the way a message frame does, with its type descriptor
/// (<see cref="WireWriter.WriteObject"/>/<see cref="WireReader.ReadObject"/>), formatters written by Partisan.Generators;
/// MemoryPack is called with the static type. MemoryPack is the baseline of each category, so the Ratio column reads
/// "ours / MemoryPack".
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CodecComparisonBenchmarks : IDisposable
{
    private readonly WireContext _context = new(TypeRegistry.Default);
    private readonly WireBuffer _buffer = new(128 * 1024);
    private readonly ArrayBufferWriter<byte> _packBuffer = new(128 * 1024);
    private object _ours = null!;
    private byte[] _oursEncoded = null!;
    private byte[] _packEncoded = null!;
    private PackedSmall _packedSmall = null!;
    private PackedMedium _packedMedium = null!;
    private PackedBlob _packedBlob = null!;
    private List<PackedSmall> _packedList = null!;
    private int _shape; // the index of Shape, so MemoryPack's typed calls are picked by a jump table, not a string switch

    /// <summary>small: 4 primitives; medium: 10 members with 3 strings; blob64k: an id and 64 KiB of bytes; list100: a List of 100 small records.</summary>
    [Params("small", "medium", "blob64k", "list100")]
    public string Shape { get; set; } = "small";

    [GlobalSetup]
    public void Setup()
    {
        _shape = Array.IndexOf(new[] { "small", "medium", "blob64k", "list100" }, Shape);
        byte[] bytes = ComparisonSamples.Bytes();
        _ours = Shape switch
        {
            "small" => ComparisonSamples.Small(),
            "medium" => ComparisonSamples.Medium(),
            "blob64k" => new BlobMessage(42, bytes),
            "list100" => ComparisonSamples.SmallList(),
            _ => throw new ArgumentException("Unknown shape " + Shape, nameof(Shape)),
        };
        _packedSmall = ComparisonSamples.PackedSmall();
        _packedMedium = ComparisonSamples.PackedMedium();
        _packedBlob = new PackedBlob(42, bytes);
        _packedList = ComparisonSamples.PackedSmallList();

        OursSerialize();
        _oursEncoded = _buffer.ToArray();
        MemoryPackSerialize();
        _packEncoded = _packBuffer.WrittenSpan.ToArray();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }
    }

    [Benchmark]
    [BenchmarkCategory("Serialize")]
    public long OursSerialize()
    {
        _buffer.Reset();
        var writer = new WireWriter(_buffer, _context);
        writer.WriteObject(_ours);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Serialize")]
    public long MemoryPackSerialize()
    {
        _packBuffer.ResetWrittenCount();
        switch (_shape)
        {
            case 0:
                MemoryPackSerializer.Serialize(_packBuffer, _packedSmall);
                break;
            case 1:
                MemoryPackSerializer.Serialize(_packBuffer, _packedMedium);
                break;
            case 2:
                MemoryPackSerializer.Serialize(_packBuffer, _packedBlob);
                break;
            default:
                MemoryPackSerializer.Serialize(_packBuffer, _packedList);
                break;
        }

        return _packBuffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Deserialize")]
    public object? OursDeserialize()
    {
        var reader = new WireReader(_oursEncoded, _context);
        return reader.ReadObject();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Deserialize")]
    public object? MemoryPackDeserialize() => _shape switch
    {
        0 => MemoryPackSerializer.Deserialize<PackedSmall>(_packEncoded),
        1 => MemoryPackSerializer.Deserialize<PackedMedium>(_packEncoded),
        2 => MemoryPackSerializer.Deserialize<PackedBlob>(_packEncoded),
        _ => MemoryPackSerializer.Deserialize<List<PackedSmall>>(_packEncoded),
    };
}
