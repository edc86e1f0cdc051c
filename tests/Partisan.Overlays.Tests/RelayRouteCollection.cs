namespace Partisan.Overlays.Tests;

/// <summary>
/// Overlay tests that send by relay as soon as the origin reaches the destination. They run alone, after the parallel
/// tests of this assembly: under the other classes' load an intermediate node can lack its next hop when the first
/// messages arrive and queue them for a direct connection that never opens (see the 2026-12-08 closing note; a send
/// with no route should fail fast or wait for one). A failure here on a quiet machine is a bug, not noise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RelayRouteCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "relay route tests";
}
