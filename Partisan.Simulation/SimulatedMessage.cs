namespace Partisan.Simulation;

/// <summary>An overlay message as a <see cref="OverlaySimulation.AddRule"/> rule sees it, when it is sent.</summary>
/// <param name="From">The sending node.</param>
/// <param name="To">The node it is for.</param>
/// <param name="Message">The overlay's message object.</param>
/// <param name="Time">The virtual time it is sent at (since the run started).</param>
public readonly record struct SimulatedMessage(NodeName From, NodeName To, object Message, TimeSpan Time);
