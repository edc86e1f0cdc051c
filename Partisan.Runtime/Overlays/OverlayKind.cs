namespace Partisan;

/// <summary>
/// The overlays a node can run without code (<see cref="PartisanOptions.OverlayKind"/>, configuration key
/// <c>Partisan:Overlay:Kind</c>). A factory set in code (<see cref="PartisanOptions.Overlay"/>) takes precedence.
/// </summary>
public enum OverlayKind
{
    /// <summary>Every node knows and connects to every other (<see cref="Overlays.FullMesh.FullMeshOverlay"/>); the default.</summary>
    FullMesh = 0,

    /// <summary>HyParView partial views (<see cref="PartisanOptions.HyParView"/>).</summary>
    HyParView = 1,

    /// <summary>Servers in a full mesh, clients connected to servers only (<see cref="PartisanOptions.ClientServer"/>).</summary>
    ClientServer = 2,

    /// <summary>Membership and connections exactly as configured, no gossip (<see cref="PartisanOptions.Static"/>).</summary>
    Static = 3,
}
