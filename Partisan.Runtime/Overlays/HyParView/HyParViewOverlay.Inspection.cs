namespace Partisan.Overlays.HyParView;

/// <content>The passive view published for readers off the loop (<see cref="IPassiveViewOverlay"/>).</content>
public sealed partial class HyParViewOverlay : IPassiveViewOverlay
{
    private volatile NodeSpec[] _passiveSnapshot = [];

    /// <inheritdoc />
    public IReadOnlyList<NodeSpec> PassiveViewSnapshot => _passiveSnapshot;

    // On the loop, whenever the members are rebuilt (every change of a view marks them dirty).
    private void PublishPassiveView() => _passiveSnapshot = _passive.ToArray();
}
