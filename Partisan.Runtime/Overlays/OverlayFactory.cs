using Partisan.Overlays.ClientServer;
using Partisan.Overlays.FullMesh;
using Partisan.Overlays.Static;

namespace Partisan.Overlays;

/// <summary>Makes a node's overlay from its options: the code factory if one is set, otherwise the configured <see cref="OverlayKind"/>.</summary>
internal static class OverlayFactory
{
    /// <summary>The overlay <paramref name="options"/> (already validated) ask for.</summary>
    /// <exception cref="PartisanConfigurationException">The chosen kind is not available in this build.</exception>
    public static IOverlay Create(PartisanOptions options)
    {
        if (options.Overlay is { } factory)
        {
            return factory();
        }

        return options.OverlayKind switch
        {
            OverlayKind.FullMesh => new FullMeshOverlay(options.GossipInterval),
            OverlayKind.ClientServer => new ClientServerOverlay(options.ClientServer, options.GossipInterval),
            OverlayKind.Static => new StaticOverlay(options.Static),

            OverlayKind.HyParView => new HyParView.HyParViewOverlay(options.HyParView),
            _ => throw new PartisanConfigurationException($"OverlayKind '{options.OverlayKind}' is not FullMesh, HyParView, ClientServer or Static."),
        };
    }
}
