using System.Buffers;
using Partisan.Serialization;

namespace Partisan.Transport;

/// <summary>
/// Puts the fragments one connection reads back together (docs/wire.md, "Fragments"). Bounded: a message is at most the
/// frame limit, and at most <see cref="MaxOpen"/> are open at once. Anything that does not follow the rules (a fragment
/// of a message never begun, one out of sequence, one that runs past the declared size, one too many open messages, an
/// inner body that is not a message, control or relay frame) is a <see cref="ProtocolException"/>: it closes that
/// connection only. Used by the connection's reader loop alone (not thread-safe); <see cref="Reset"/> (when the
/// connection ends) drops what is incomplete, so a message cut by a dying connection is never delivered in part.
/// </summary>
internal sealed class FragmentReassembler
{
    /// <summary>How many messages may be in reassembly at once on one connection (a writer starts at most 4).</summary>
    public const int MaxOpen = 16;

    private readonly int _maxMessageSize;
    private readonly List<Reassembly> _open = new(MaxOpen);
    private readonly Stack<Reassembly> _free = new();

    /// <param name="maxMessageSize">The largest whole body accepted (the connection's frame limit).</param>
    public FragmentReassembler(int maxMessageSize) => _maxMessageSize = maxMessageSize;

    /// <summary>Messages in reassembly now (for tests).</summary>
    public int OpenCount => _open.Count;

    /// <summary>
    /// Takes one fragment frame (<paramref name="reader"/> just after its type byte). Returns the finished message when
    /// this fragment completes one: its whole body (type byte first), valid until <see cref="Release"/>.
    /// </summary>
    /// <exception cref="ProtocolException">The fragment breaks the rules above.</exception>
    public Reassembly? Add(ref WireReader reader)
    {
        uint id;
        uint index;
        uint total = 0;
        try
        {
            id = reader.ReadVarUInt32();
            index = reader.ReadVarUInt32();
            if (index == 0)
            {
                total = reader.ReadVarUInt32();
            }
        }
        catch (WireFormatException ex)
        {
            throw new ProtocolException("Malformed fragment header: " + ex.Message, ex);
        }

        ReadOnlySequence<byte> data = reader.UnreadSequence;
        if (data.IsEmpty)
        {
            throw new ProtocolException($"Fragment {index} of message {id} carries no bytes.");
        }

        Reassembly message;
        if (index == 0)
        {
            if (Find(id) is not null)
            {
                throw new ProtocolException($"Fragment 0 of message {id} arrived while message {id} is still open.");
            }

            if (_open.Count >= MaxOpen)
            {
                throw new ProtocolException($"Fragment 0 of message {id} would open a message beyond the limit of {MaxOpen} in reassembly at once.");
            }

            if (total == 0 || total > (uint)_maxMessageSize)
            {
                throw new ProtocolException($"Message {id} declares {total} bytes; a fragmented message must be 1..{_maxMessageSize} bytes (MaxFrameSize).");
            }

            if (data.Length > total)
            {
                throw new ProtocolException($"Fragment 0 of message {id} runs past its declared size of {total} bytes ({data.Length} bytes).");
            }

            message = _free.Count > 0 ? _free.Pop() : new Reassembly();
            message.Begin(id, total);
            _open.Add(message);
        }
        else
        {
            message = Find(id) ?? throw new ProtocolException($"Fragment {index} of message {id}, which was never begun (or already ended).");
            if (index != message.NextIndex)
            {
                throw new ProtocolException($"Fragment {index} of message {id} is out of sequence; fragment {message.NextIndex} was expected.");
            }
        }

        if (data.Length > message.Total - message.Received)
        {
            throw new ProtocolException($"Fragment {index} of message {id} runs past its declared size of {message.Total} bytes ({message.Received} received, {data.Length} more).");
        }

        message.Append(data);
        reader.Skip(data.Length);
        if (message.Received < message.Total)
        {
            return null;
        }

        _open.Remove(message);
        return message;
    }

    /// <summary>Gives a finished message's buffers back once its body was handled.</summary>
    public void Release(Reassembly message)
    {
        message.Clear();
        if (_free.Count < 4)
        {
            _free.Push(message);
        }
    }

    /// <summary>Drops every incomplete message and gives its buffers back (the connection ended).</summary>
    public void Reset()
    {
        foreach (Reassembly message in _open)
        {
            message.Clear();
        }

        _open.Clear();
        _free.Clear();
    }

    private Reassembly? Find(uint id)
    {
        foreach (Reassembly message in _open)
        {
            if (message.Id == id)
            {
                return message;
            }
        }

        return null;
    }
}
