namespace Partisan.Faults;

/// <summary>Fault injection (<see cref="PartisanNode.Faults"/>): off by default; then every hook costs one null check.</summary>
public sealed class FaultOptions
{
    /// <summary>Creates the node's <see cref="FaultInjector"/>; without it <see cref="PartisanNode.Faults"/> throws.</summary>
    public bool Enabled { get; set; }

    /// <summary>Seed of the random source every probability draws from, so a fault schedule can be replayed; null picks one (see <see cref="FaultInjector.Seed"/>).</summary>
    public int? Seed { get; set; }
}
