namespace Partisan.Tests.Cluster;

/// <summary>
/// Cluster tests whose claims hold only if the node gets the CPU it asks for (no false downs while 100 nodes form; no
/// loss across 25 replacements of a connection under two 20,000-message streams; kills under a stream). They run alone,
/// after the parallel tests of this assembly, so the other test classes' load is not what they measure. A failure here
/// on a quiet machine is a bug, not noise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadSensitiveCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "load-sensitive cluster tests";
}
