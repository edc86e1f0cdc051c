namespace Partisan.Faults;

/// <summary>What a <see cref="FaultRule"/> does to a frame or message it matches.</summary>
public enum FaultAction
{
    /// <summary>Lose it.</summary>
    Drop,

    /// <summary>Send it later (<see cref="FaultRule.Delay"/>), behind what was sent meanwhile (send direction only).</summary>
    Delay,

    /// <summary>Deliver it twice.</summary>
    Duplicate,

    /// <summary>Send it after the frames queued behind it (send direction only).</summary>
    Reorder,
}
