namespace Partisan.Overlays;

/// <summary>
/// An overlay that keeps a passive view (known nodes it is not connected to, kept to replace lost neighbours), such as
/// HyParView. Optional: <see cref="PartisanNode.OverlayView"/> shows the passive view of overlays that implement it.
/// </summary>
public interface IPassiveViewOverlay
{
    /// <summary>The passive view as last published on the node's loop; safe to read from any thread.</summary>
    IReadOnlyList<NodeSpec> PassiveViewSnapshot { get; }
}
