using FsCheck;
using FsCheck.Fluent;

namespace Partisan.MetadataStore.Tests;

/// <summary>Last-writer-wins merging on hybrid clock stamps, over random writes: order does not matter, merging twice changes nothing, the newest write of a key wins, and digests tell replicas apart.</summary>
public class MetadataReplicaPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(200);

    [Fact]
    public void Replicas_that_merge_the_same_writes_in_any_order_hold_the_same_data_and_digests() =>
        Check.One(Config, Prop.ForAll(
            (from writes in WriteGen.Writes()
             from shuffled in Gen.Shuffle(writes)
             select (writes, shuffled.ToArray())).ToArbitrary(),
            input =>
            {
                MetadataReplica a = WriteGen.ReplicaOf(input.writes);
                MetadataReplica b = WriteGen.ReplicaOf(input.Item2);
                Assert.Equal(WriteGen.Contents(a), WriteGen.Contents(b));
                Assert.Equal(a.Digests(), b.Digests());
            }));

    [Fact]
    public void Merging_a_write_again_is_refused_and_changes_nothing() =>
        Check.One(Config, Prop.ForAll(WriteGen.Writes().ToArbitrary(), writes =>
        {
            MetadataReplica replica = WriteGen.ReplicaOf(writes);
            var before = WriteGen.Contents(replica);
            Dictionary<string, long> digests = replica.Digests();
            foreach (MetadataEntry write in writes)
            {
                Assert.False(replica.Merge(write));
            }

            Assert.Equal(before, WriteGen.Contents(replica));
            Assert.Equal(digests, replica.Digests());
        }));

    [Fact]
    public void Every_key_holds_its_write_with_the_newest_stamp_and_a_winning_tombstone_reads_as_unset() =>
        Check.One(Config, Prop.ForAll(WriteGen.Writes().ToArbitrary(), writes =>
        {
            MetadataReplica replica = WriteGen.ReplicaOf(writes);
            foreach (IGrouping<(string Prefix, string Key), MetadataEntry> key in writes.GroupBy(w => (w.Prefix, w.Key)))
            {
                MetadataEntry newest = key.MaxBy(w => w.Stamp)!;
                Assert.Equal(newest, replica.Find(key.Key.Prefix, key.Key.Key));
                Assert.Equal(newest.Value, replica.Get(key.Key.Prefix, key.Key.Key));
            }

            int live = writes.GroupBy(w => (w.Prefix, w.Key)).Count(k => k.MaxBy(w => w.Stamp)!.Value is not null && k.Key.Prefix == "config");
            Assert.Equal(live, replica.Fold("config", 0, (count, _, _) => count + 1));
        }));

    [Fact]
    public void A_replica_that_lacks_a_winning_write_has_a_different_digest_for_that_prefix() =>
        Check.One(Config, Prop.ForAll(WriteGen.Writes().Where(w => w.Length > 0).ToArbitrary(), writes =>
        {
            MetadataReplica full = WriteGen.ReplicaOf(writes);
            MetadataEntry winner = full.Find(writes[0].Prefix, writes[0].Key)!;
            MetadataReplica lacking = WriteGen.ReplicaOf(writes.Where(w => w != winner));
            Assert.NotEqual(full.DigestOf(winner.Prefix), lacking.DigestOf(winner.Prefix));
        }));
}
