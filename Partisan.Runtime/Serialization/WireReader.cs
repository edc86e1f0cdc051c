using System.Buffers;
using System.Runtime.CompilerServices;

namespace Partisan.Serialization;

/// <summary>
/// Reads the Partisan binary encoding from a <see cref="ReadOnlySequence{T}"/>. Never trusts the
/// input: every length is checked against the bytes that remain, nesting is bounded by
/// <see cref="WireContext.MaxDepth"/>, and any violation throws <see cref="WireFormatException"/>.
/// </summary>
/// <remarks>
/// The reader works on one contiguous span at a time: the whole input when it is one block (what most frames are),
/// otherwise the current segment. Every read checks the span it holds once and reads from it directly; only a value
/// that crosses into the next segment, or a span that is used up, takes a slower path that moves on through the
/// sequence (<c>WireReader.Scalars.cs</c> holds the reads of single values).
/// </remarks>
public ref partial struct WireReader
{
    private readonly ReadOnlySequence<byte> _sequence;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly bool _fromMemory;
    private readonly long _length;
    private readonly int _maxDepth;
    private ReadOnlySpan<byte> _span;
    private int _pos;
    private long _spanStart;
    private SequencePosition _nextSegment;
    private int _depth;

    /// <summary>Reads <paramref name="data"/> with the registry and options of <paramref name="context"/>.</summary>
    public WireReader(ReadOnlySequence<byte> data, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _maxDepth = context.MaxDepth;
        _sequence = data;
        _length = data.Length;
        _pos = 0;
        _spanStart = 0;
        _depth = 0;
        if (data.IsSingleSegment)
        {
            _span = data.FirstSpan;
            _nextSegment = default;
        }
        else
        {
            _span = default;
            _nextSegment = data.Start;
            NextSegment();
        }
    }

    /// <summary>Reads <paramref name="data"/> with the registry and options of <paramref name="context"/>.</summary>
    public WireReader(ReadOnlyMemory<byte> data, WireContext context)
    {
        // One block: no sequence to build (UnreadSequence makes one from the memory when asked).
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _maxDepth = context.MaxDepth;
        _memory = data;
        _fromMemory = true;
        _length = data.Length;
        _span = data.Span;
    }

    /// <summary>The registry and options in force.</summary>
    public WireContext Context { get; }

    /// <summary>Bytes consumed so far.</summary>
    public readonly long Consumed => _spanStart + _pos;

    /// <summary>Bytes not yet read.</summary>
    public readonly long Remaining => _length - _spanStart - _pos;

    /// <summary>True when all bytes have been read.</summary>
    public readonly bool End => _spanStart + _pos == _length;

    /// <summary>The bytes not yet read (valid as long as the data given to the reader is).</summary>
    public readonly ReadOnlySequence<byte> UnreadSequence =>
        _fromMemory ? new ReadOnlySequence<byte>(_memory[_pos..]) : _sequence.Slice(Consumed);

    /// <summary>
    /// Moves to the next non-empty segment. False at the end of the data (the current span, used up, stays). Only a
    /// multi-segment input has a next segment: one block leaves <see cref="_nextSegment"/> a position with no object,
    /// on which <see cref="ReadOnlySequence{T}.TryGet"/> answers false at once.
    /// </summary>
    private bool NextSegment()
    {
        while (_sequence.TryGet(ref _nextSegment, out ReadOnlyMemory<byte> memory))
        {
            if (!memory.IsEmpty)
            {
                _spanStart += _span.Length;
                _span = memory.Span;
                _pos = 0;
                return true;
            }
        }

        return false;
    }

    /// <summary>Makes the current span hold at least one unread byte; false at the end of the data.</summary>
    private bool EnsureByte() => _pos < _span.Length || NextSegment();

    private static WireFormatException Truncated(string what) =>
        new($"Unexpected end of data while reading {what}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooDeep(int maxDepth) =>
        throw new WireFormatException($"Object nesting deeper than {maxDepth} levels.");

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Truncated("skipped bytes");
        }

        while (count > _span.Length - _pos)
        {
            count -= _span.Length - _pos;
            _pos = _span.Length;
            if (!NextSegment())
            {
                throw Truncated("skipped bytes");
            }
        }

        _pos += (int)count;
    }

    /// <summary>
    /// Starts reading a length-prefixed object. <paramref name="memberCount"/> is how many members the
    /// writer wrote: read the ones you know (in order), then call <see cref="EndObject"/>, which skips the rest.
    /// </summary>
    public WireObjectScope BeginObject(out int memberCount)
    {
        if (++_depth > _maxDepth)
        {
            ThrowTooDeep(_maxDepth);
        }

        int length = ReadInt32();
        long remaining = Remaining;
        if ((ulong)(uint)length > (ulong)remaining)
        {
            ThrowObjectTooLong(length, remaining);
        }

        long end = Consumed + length;
        uint members = ReadVarUInt32();
        if (members > int.MaxValue)
        {
            ThrowMemberCount(members);
        }

        memberCount = (int)members;
        return new WireObjectScope(end);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverrun() => throw new WireFormatException("An object's members ran past its declared length.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowObjectTooLong(int length, long remaining) =>
        throw new WireFormatException($"Object length {length} exceeds the {remaining} bytes remaining.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMemberCount(uint members) =>
        throw new WireFormatException($"An object's member count {members} is out of range.");

    /// <summary>Ends an object, skipping members this reader does not know.</summary>
    public void EndObject(WireObjectScope scope)
    {
        _depth--;
        long end = scope.Start; // for a reader the scope holds the end position
        long consumed = Consumed;
        if (consumed == end)
        {
            return;
        }

        if (consumed > end)
        {
            ThrowOverrun();
        }

        Skip(end - consumed);
    }

    /// <summary>Reads a value of static type <typeparamref name="T"/> with its registered formatter.</summary>
    public T Read<T>() => Context.Registry.GetFormatter<T>().Read(ref this);

    /// <summary>Reads a value written by <see cref="WireWriter.WriteObject"/>.</summary>
    public object? ReadObject()
    {
        if (++_depth > _maxDepth)
        {
            ThrowTooDeep(_maxDepth);
        }

        IWireFormatter? formatter = Context.Registry.ReadTypeDescriptor(ref this);
        object? result = formatter?.ReadObject(ref this);
        _depth--;
        return result;
    }

    /// <summary>Tracks nesting for formatters of recursive collections.</summary>
    internal void EnterNested()
    {
        if (++_depth > _maxDepth)
        {
            ThrowTooDeep(_maxDepth);
        }
    }

    /// <summary>Ends a level entered with <see cref="EnterNested"/>.</summary>
    internal void ExitNested() => _depth--;
}
