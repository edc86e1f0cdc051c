namespace Partisan.Simulation;

/// <summary>Where a relayed message (<see cref="OverlaySimulation.SendRelayed"/>) is.</summary>
public enum RelayStatus
{
    /// <summary>Still on its way.</summary>
    Pending,

    /// <summary>It reached its destination.</summary>
    Delivered,

    /// <summary>It was dropped on the way (<see cref="RelayResult.Reason"/> says why).</summary>
    Dropped,
}
