using BenchmarkDotNet.Attributes;
using MemoryPack;
using Partisan.Serialization;

namespace Partisan.Benchmarks;

/// <summary>The <see cref="Order"/> of <see cref="CodecBenchmarks"/> as a [MemoryPackable] record (a pid is two members here).</summary>
[MemoryPackable]
public sealed partial record PackedOrder(long Id, string Symbol, int Quantity, double Price, string OwnerNode, ulong OwnerId);

/// <summary>
/// The MemoryPack bridge on the codec path a message takes (serialize with the type descriptor, deserialize): the same
/// order through our generated-style formatter and through <see cref="MemoryPackWireFormatter{T}"/>.
/// </summary>
[MemoryDiagnoser]
public class MemoryPackBridgeBenchmarks : IDisposable
{
    private readonly WireBuffer _buffer = new(4096);
    private WireContext _context = null!;
    private object _message = null!;
    private byte[] _encoded = null!;

    [Params("codec", "memorypack")]
    public string Path { get; set; } = "codec";

    [GlobalSetup]
    public void Setup()
    {
        TypeRegistry registry = Samples.CreateRegistry();
        registry.RegisterMemoryPack<PackedOrder>();
        _context = new WireContext(registry);
        Order order = Samples.Order();
        _message = Path == "codec" ? order : new PackedOrder(order.Id, order.Symbol, order.Quantity, order.Price, order.Owner.Node.ToString(), (ulong)order.Owner.Id);
        Serialize();
        _encoded = _buffer.ToArray();
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
    public long Serialize()
    {
        _buffer.Reset();
        var writer = new WireWriter(_buffer, _context);
        writer.WriteObject(_message);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public object? Deserialize()
    {
        var reader = new WireReader(_encoded, _context);
        return reader.ReadObject();
    }
}
