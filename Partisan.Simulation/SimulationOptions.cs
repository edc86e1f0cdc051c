using Microsoft.Extensions.Logging;

namespace Partisan.Simulation;

/// <summary>How an <see cref="OverlaySimulation"/> models the network and the runtime's connection manager.</summary>
public sealed class SimulationOptions
{
    /// <summary>The seed every random choice of the run derives from: latencies, backoff jitter and each node's <see cref="Overlays.IOverlayContext.Random"/>.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The shortest one-way latency of a message or handshake step (default 1 ms of virtual time).</summary>
    public TimeSpan MinLatency { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest one-way latency (default 5 ms); each message draws one uniformly between the two.</summary>
    public TimeSpan MaxLatency { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How long after a crash its peers learn that their link to it closed; null (the default) draws one latency, like a
    /// TCP reset from the crashed host's kernel.
    /// </summary>
    public TimeSpan? CrashDetectionDelay { get; set; }

    /// <summary>
    /// How long after a partition starts the nodes on either side report their links across it closed: the runtime's
    /// keep-alive idle timeout (default 15 s). A partition healed sooner leaves the links up (what was sent meanwhile is lost).
    /// </summary>
    public TimeSpan PartitionDetectionDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a dial into a partition takes to fail (the runtime's <c>ConnectTimeout</c>, default 3 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The first redial delay after a failed dial, and the delay before redialing a closed link (runtime: 100 ms).</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest redial delay; the delay doubles after each failure up to this (runtime: 5 s).</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When a dial is refused because the peer's own link serves the pair, how long before looking again (the runtime's
    /// <c>GossipInterval</c>, default 1 s).
    /// </summary>
    public TimeSpan DuplicateRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Dials in flight at once per node (the runtime bounds them at 16); more wait their turn.</summary>
    public int MaxDialsInFlight { get; set; } = 16;

    /// <summary>Keep a line per processed event in <see cref="OverlaySimulation.Trace"/> (costly; for debugging a small run).</summary>
    public bool RecordTrace { get; set; }

    /// <summary>
    /// Write every overlay message with <see cref="Serialization.TypeRegistry.Default"/> and deliver what reading it back
    /// gives, so a formatter bug shows up and message sizes are counted (<see cref="MessageCounters.Bytes"/>).
    /// </summary>
    public bool SerializeMessages { get; set; }

    /// <summary>What <see cref="Overlays.IOverlayContext.Time"/> reports as the wall-clock time when the run starts.</summary>
    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The logger every node's overlay gets (and where contained overlay failures are written); null for none.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A latency or delay is negative, or the maximum is below the minimum.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinLatency, TimeSpan.Zero, nameof(MinLatency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLatency, MinLatency, nameof(MaxLatency));
        if (CrashDetectionDelay is { } crash)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(crash, TimeSpan.Zero, nameof(CrashDetectionDelay));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(PartitionDetectionDelay, TimeSpan.Zero, nameof(PartitionDetectionDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectMinDelay, TimeSpan.Zero, nameof(ReconnectMinDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxDelay, ReconnectMinDelay, nameof(ReconnectMaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DuplicateRetryDelay, TimeSpan.Zero, nameof(DuplicateRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDialsInFlight, 1, nameof(MaxDialsInFlight));
    }
}
