using System.Buffers;

namespace Partisan.Delivery;

/// <summary>
/// One message kept until its receiver acknowledges it: the encoded message frame body (from the frame type byte on,
/// with its header fields; in a pooled array), where it goes, and who waits for it.
/// </summary>
internal sealed class PendingMessage
{
    public PendingMessage(NodeName destination, ulong sequence, byte[] body, int length, int extensionsLength, string channel, long key, object message)
    {
        Destination = destination;
        Sequence = sequence;
        Body = body;
        Length = length;
        ExtensionsLength = extensionsLength;
        Channel = channel;
        Key = key;
        Message = message;
    }

    public NodeName Destination { get; }

    public ulong Sequence { get; }

    /// <summary>The encoded body (rented; given back when the message is settled).</summary>
    public byte[] Body { get; private set; }

    public int Length { get; }

    /// <summary>Bytes of header fields after the flags byte (offset 1), so a writer to a version 1 peer can leave them out.</summary>
    public int ExtensionsLength { get; }

    public string Channel { get; }

    public long Key { get; }

    /// <summary>The message itself, for interposition functions (never re-encoded: what was sent first is what is sent again).</summary>
    public object Message { get; }

    /// <summary>When it was last handed to a connection (the node's timestamp), 0 when never.</summary>
    public long LastSent { get; set; }

    /// <summary>Transmissions so far.</summary>
    public int Transmissions { get; set; }

    /// <summary>Completed when acknowledged, failed when given up; null when nobody waits.</summary>
    public TaskCompletionSource? Done { get; set; }

    /// <summary>Gives the body back to the pool (once).</summary>
    public void Release()
    {
        byte[] body = Body;
        if (body.Length > 0)
        {
            Body = [];
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
