using BenchmarkDotNet.Attributes;
using Partisan.Serialization;

namespace Partisan.Benchmarks;

/// <summary>Serialize and deserialize representative messages with their type descriptor (what a message frame carries).</summary>
[MemoryDiagnoser]
public class CodecBenchmarks : IDisposable
{
    private readonly WireContext _context = new(Samples.CreateRegistry());
    private readonly WireBuffer _buffer = new(4096);
    private object _message = null!;
    private byte[] _encoded = null!;

    [Params("order", "bytes64", "bytes1k", "bytes64k", "list16", "dict16")]
    public string Kind { get; set; } = "order";

    [GlobalSetup]
    public void Setup()
    {
        _message = Samples.Message(Kind);
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
