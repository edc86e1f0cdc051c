using Microsoft.Extensions.Logging;

namespace Partisan.Broadcast;

/// <summary>
/// What a <see cref="BroadcastEngine"/> needs from where it runs (a node's broadcast channel, an overlay in the simulator,
/// a test): its name, a clock, a logger, a way to send its messages to a neighbour, and named timers. It is the engine's
/// whole world, so an engine on a virtual clock is deterministic.
/// </summary>
public interface IBroadcastContext
{
    /// <summary>This node's name: the root of what it broadcasts.</summary>
    NodeName Self { get; }

    /// <summary>The clock for missing-message timeouts (virtual in tests).</summary>
    TimeProvider Time { get; }

    /// <summary>Randomness for choosing exchange peers (seeded in tests and the simulator, so runs repeat).</summary>
    Random Random { get; }

    /// <summary>A logger for the engine.</summary>
    ILogger Logger { get; }

    /// <summary>
    /// Sends one of the engine's messages to the neighbour <paramref name="to"/>. False when it cannot be queued: the engine
    /// tolerates lost messages (a lost eager push is recovered by an announcement and a graft).
    /// </summary>
    bool Send(NodeName to, object message);

    /// <summary>
    /// Arms the timer <paramref name="name"/> (replacing an earlier arming): <see cref="BroadcastEngine.TryHandleTimer"/> is
    /// called with the name after <paramref name="due"/>, then every <paramref name="period"/> if one is given.
    /// </summary>
    void SetTimer(string name, TimeSpan due, TimeSpan? period = null);

    /// <summary>Cancels the timer <paramref name="name"/>.</summary>
    void CancelTimer(string name);
}
