using BenchmarkDotNet.Attributes;
using Partisan.Serialization;

namespace Partisan.Benchmarks;

/// <summary>RemoteRef in its URI form (ToUri / ParseUri, plain and padded) and in the binary wire form.</summary>
[MemoryDiagnoser]
public class RemoteRefBenchmarks : IDisposable
{
    private readonly RemoteRef _pid = RemoteRef.FromPid(new Pid(Samples.Node, 123_456));
    private readonly RemoteRef _name = RemoteRef.FromName("order_service", Samples.Node);
    private readonly WireContext _context = new(Samples.CreateRegistry());
    private readonly WireBuffer _buffer = new(256);
    private string _pidUri = "";
    private string _nameUri = "";
    private string _paddedUri = "";
    private byte[] _wire = [];

    [GlobalSetup]
    public void Setup()
    {
        _pidUri = _pid.ToUri();
        _nameUri = _name.ToUri();
        _paddedUri = _pid.ToUri(padded: true);
        EncodeWire();
        _wire = _buffer.ToArray();
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
    public string PidToUri() => _pid.ToUri();

    [Benchmark]
    public string PidToPaddedUri() => _pid.ToUri(padded: true);

    [Benchmark]
    public string NameToUri() => _name.ToUri();

    [Benchmark]
    public RemoteRef ParsePidUri() => RemoteRef.ParseUri(_pidUri);

    [Benchmark]
    public RemoteRef ParsePaddedUri() => RemoteRef.ParseUri(_paddedUri);

    [Benchmark]
    public RemoteRef ParseNameUri() => RemoteRef.ParseUri(_nameUri);

    [Benchmark]
    public long EncodeWire()
    {
        _buffer.Reset();
        var writer = new WireWriter(_buffer, _context);
        writer.Write(_pid);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public RemoteRef DecodeWire()
    {
        var reader = new WireReader(_wire, _context);
        return reader.Read<RemoteRef>();
    }
}
