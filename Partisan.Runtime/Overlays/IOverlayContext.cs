using Microsoft.Extensions.Logging;

namespace Partisan.Overlays;

/// <summary>What the node gives its <see cref="IOverlay"/>: its identity, clock, randomness, logger, and the means to act.</summary>
public interface IOverlayContext
{
    /// <summary>This node's spec (a new incarnation after a reset).</summary>
    NodeSpec Self { get; }

    /// <summary>The node's clock (virtual in tests).</summary>
    TimeProvider Time { get; }

    /// <summary>Randomness for the overlay (seeded from <see cref="PartisanOptions.OverlaySeed"/> when set, so runs repeat).</summary>
    Random Random { get; }

    /// <summary>A logger for the overlay.</summary>
    ILogger Logger { get; }

    /// <summary>
    /// Sends an overlay message to <paramref name="to"/> on the membership channel, dialing it first when there is no
    /// connection yet. False when it cannot be queued: overlay messages stay within the connection's
    /// <see cref="PartisanOptions.MaxPendingBytesPerConnection"/>, and an overlay must tolerate their loss as it
    /// tolerates the network's. An <see cref="IOverlaySnapshot"/> replaces an older one still queued for that peer.
    /// </summary>
    bool Send(NodeSpec to, object message);

    /// <summary>
    /// Sends an overlay message to <paramref name="to"/>, a node this node has (or just had) a connection to. False when
    /// there is none or it cannot be queued (as <see cref="Send(NodeSpec, object)"/>).
    /// </summary>
    bool Send(NodeName to, object message);

    /// <summary>
    /// Arms the timer <paramref name="name"/>: <see cref="IOverlay.OnTimer"/> is called after <paramref name="due"/>, then
    /// every <paramref name="period"/> if one is given. Arming a name again replaces it; a tick already due under the old
    /// arming is dropped. A one-shot timer with a due of zero runs as soon as the node's loop has done the work already
    /// queued, without the clock: arm it once for a burst of changes to act on them together.
    /// </summary>
    void SetTimer(string name, TimeSpan due, TimeSpan? period = null);

    /// <summary>Cancels the timer <paramref name="name"/> (no effect if it is not armed).</summary>
    void CancelTimer(string name);

    /// <summary>Closes every connection to <paramref name="node"/> now (after what is queued for it), whether or not it is a neighbour.</summary>
    void Disconnect(NodeName node);

    /// <summary>True when this node has at least one open connection to <paramref name="node"/>.</summary>
    bool IsConnected(NodeName node);

    /// <summary>
    /// Another node removed this one: every connection closes and the node starts again as a cluster of one with a
    /// new incarnation (<see cref="IOverlay.Start"/> is called again once the current call returns).
    /// </summary>
    void ResetToSingleton(string reason);
}
