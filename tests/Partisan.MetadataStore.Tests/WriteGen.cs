using FsCheck;
using FsCheck.Fluent;

namespace Partisan.MetadataStore.Tests;

/// <summary>Random writes over a few prefixes, keys and writers; every write has its own stamp, as a hybrid clock guarantees.</summary>
internal static class WriteGen
{
    private static readonly string[] Prefixes = ["config", "users"];
    private static readonly string[] Keys = ["k0", "k1", "k2", "k3"];
    private static readonly string[] Writers = ["n1@h", "n2@h", "n3@h"];

    public static Gen<MetadataEntry> Write() =>
        from prefix in Gen.Elements(Prefixes)
        from key in Gen.Elements(Keys)
        from wall in Gen.Choose(0, 6)
        from counter in Gen.Choose(0, 2)
        from writer in Gen.Elements(Writers)
        from tombstone in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        let stamp = new HybridTimestamp(1_000 + wall, counter, writer)
        select new MetadataEntry(prefix, key, tombstone ? null : $"v{stamp}", stamp);

    /// <summary>Writes with distinct stamps (a stamp names one write).</summary>
    public static Gen<MetadataEntry[]> Writes() =>
        Gen.ListOf(Write()).Select(list => list.DistinctBy(e => e.Stamp).ToArray());

    public static MetadataReplica ReplicaOf(IEnumerable<MetadataEntry> writes)
    {
        var replica = new MetadataReplica();
        foreach (MetadataEntry write in writes)
        {
            replica.Merge(write);
        }

        return replica;
    }

    /// <summary>Every prefix's keys and the writes they hold, for comparing replicas.</summary>
    public static SortedDictionary<string, MetadataEntry> Contents(MetadataReplica replica)
    {
        var contents = new SortedDictionary<string, MetadataEntry>(StringComparer.Ordinal);
        foreach (string prefix in replica.Prefixes)
        {
            foreach (MetadataEntry entry in replica.EntriesOf(prefix))
            {
                contents[prefix + "/" + entry.Key] = entry;
            }
        }

        return contents;
    }
}
