using System.Buffers;

namespace Partisan.Transport;

/// <summary>One message being reassembled: its id, declared size, the next fragment expected, and the bytes so far.</summary>
internal sealed class Reassembly
{
    private readonly ReassemblyBuffer _buffer = new();

    public uint Id { get; private set; }

    public long Total { get; private set; }

    public long Received => _buffer.Length;

    public uint NextIndex { get; private set; }

    /// <summary>The whole body once complete (type byte first).</summary>
    public ReadOnlySequence<byte> Body => _buffer.AsSequence();

    public void Begin(uint id, uint total)
    {
        Id = id;
        Total = total;
        NextIndex = 0;
    }

    public void Append(ReadOnlySequence<byte> data)
    {
        _buffer.Append(data);
        NextIndex++;
    }

    public void Clear()
    {
        _buffer.Reset();
        Total = 0;
        NextIndex = 0;
    }
}
