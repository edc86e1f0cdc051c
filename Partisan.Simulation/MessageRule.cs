namespace Partisan.Simulation;

/// <summary>A rule added with <see cref="OverlaySimulation.AddRule"/>; pass it to <see cref="OverlaySimulation.RemoveRule"/> to remove it.</summary>
public sealed class MessageRule
{
    internal MessageRule(Func<SimulatedMessage, MessageFate> decide) => Decide = decide;

    internal Func<SimulatedMessage, MessageFate> Decide { get; }
}
