using Partisan.Channels;

namespace Partisan.Routing;

/// <summary>
/// The frames for one member that has no route yet (a member with neither a connection nor a next hop, whose connection
/// the overlay does not want): held in order until a route appears or they wait longer than
/// <see cref="PartisanOptions.RouteWaitTimeout"/>. Every access holds the instance's lock; once <see cref="Closed"/>, the
/// <see cref="Router"/> has sent or dropped everything and a sender routes afresh.
/// </summary>
internal sealed class RouteWait
{
    private readonly Queue<(HeldFrame Frame, int Length)> _frames = new(); // the length as held: a released frame is back in the pool

    /// <summary>Set (under the lock) when the wait ended and the entry left the router's table.</summary>
    public bool Closed { get; set; }

    /// <summary>Bytes held, for the per-member bound.</summary>
    public long Bytes { get; private set; }

    /// <summary>How many frames are held.</summary>
    public int Count => _frames.Count;

    /// <summary>Holds <paramref name="frame"/> behind the ones already held.</summary>
    public void Add(in HeldFrame frame)
    {
        _frames.Enqueue((frame, frame.Frame.Length));
        Bytes += frame.Frame.Length;
    }

    /// <summary>The oldest frame, still held.</summary>
    public HeldFrame Peek() => _frames.Peek().Frame;

    /// <summary>Takes out the oldest frame.</summary>
    public HeldFrame Take()
    {
        (HeldFrame frame, int length) = _frames.Dequeue();
        Bytes -= length;
        return frame;
    }
}

/// <summary>One frame waiting for a route.</summary>
/// <param name="Frame">The encoded frame (the waiting entry owns it).</param>
/// <param name="Channel">The channel it was sent on.</param>
/// <param name="Bounded">Queued within the connection's byte limit when released (user messages, broadcast), or always (control messages).</param>
/// <param name="Bare">
/// True when the frame carries no relay header of its own (encoded here): released to a relay route, it gets one. False
/// for a relayed frame passing through, which keeps the header it came with.
/// </param>
/// <param name="HeldAt">When it started to wait (<see cref="TimeProvider.GetTimestamp"/>).</param>
internal readonly record struct HeldFrame(OutboundFrame Frame, string Channel, bool Bounded, bool Bare, long HeldAt);
