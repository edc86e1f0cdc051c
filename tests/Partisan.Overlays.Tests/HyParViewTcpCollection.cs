namespace Partisan.Overlays.Tests;

/// <summary>
/// The HyParView TCP tests run alone, after the parallel tests of this assembly. Under the other classes' load on two
/// cores, a route found on demand was withdrawn again right after (views still shuffling), and a call sent on it failed
/// with noconnection (2026-12-08, once in a clean-clone CI run). A route's stability under churn is a HyParView question
/// in the closing note; a failure here on a quiet machine is a bug, not noise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HyParViewTcpCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "HyParView over TCP";
}
