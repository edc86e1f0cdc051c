namespace Partisan.Simulation;

/// <summary>
/// The simulation's virtual clock as a <see cref="TimeProvider"/>: <see cref="GetUtcNow"/> and <see cref="GetTimestamp"/>
/// report virtual time (timestamps in <see cref="TimeSpan"/> ticks). One instance serves every node. Timers come through
/// <see cref="Overlays.IOverlayContext.SetTimer"/>, so <see cref="CreateTimer"/> is not supported.
/// </summary>
public sealed class SimulationClock : TimeProvider
{
    private readonly DateTimeOffset _start;

    internal SimulationClock(DateTimeOffset start) => _start = start;

    /// <summary>Virtual time since the run started, in <see cref="TimeSpan"/> ticks.</summary>
    internal long Ticks { get; set; }

    /// <summary>Virtual time since the run started.</summary>
    public TimeSpan Elapsed => new(Ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start.AddTicks(Ticks);

    /// <inheritdoc />
    public override long GetTimestamp() => Ticks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Not supported: a simulated overlay arms timers through its context, so they run on virtual time.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("A simulated overlay arms timers with IOverlayContext.SetTimer; TimeProvider timers would run on real time.");
}
