using FsCheck;
using FsCheck.Fluent;
using Partisan.Membership;

namespace Partisan.Tests.Membership;

/// <summary>CRDT laws and the membership guarantees, over random histories of 3 to 5 replicas.</summary>
public class MembershipStatePropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(150);

    /// <summary>A history plus three picks among every state that existed during it.</summary>
    private static Arbitrary<(History History, int A, int B, int C)> HistoryAndPicks() =>
        (from history in MembershipGen.History()
         from a in Gen.Choose(0, 10_000)
         from b in Gen.Choose(0, 10_000)
         from c in Gen.Choose(0, 10_000)
         select (history, a, b, c)).ToArbitrary();

    private static void ForStates(Action<MembershipState, MembershipState, MembershipState> check) =>
        Check.One(Config, Prop.ForAll(HistoryAndPicks(), input =>
        {
            List<MembershipState> all = Cluster.Run(input.History).All;
            check(all[input.A % all.Count], all[input.B % all.Count], all[input.C % all.Count]);
        }));

    private static void AssertSame(MembershipState expected, MembershipState actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal<NodeSpec>(expected.Members, actual.Members);
        Assert.Equal(expected.Digest, actual.Digest);
        Assert.Equal(expected.GetHashCode(), actual.GetHashCode());
    }

    [Fact]
    public void Merge_is_commutative() =>
        ForStates((a, b, _) => AssertSame(a.Merge(b), b.Merge(a)));

    [Fact]
    public void Merge_is_associative() =>
        ForStates((a, b, c) => AssertSame(a.Merge(b).Merge(c), a.Merge(b.Merge(c))));

    [Fact]
    public void Merge_is_idempotent_and_absorbing() =>
        ForStates((a, b, _) =>
        {
            Assert.Same(a, a.Merge(a));
            MembershipState ab = a.Merge(b);
            MembershipInvariants.Check(ab);
            Assert.Same(ab, ab.Merge(b));
            Assert.Same(ab, ab.Merge(a));
            AssertSame(ab, ab.Merge(ab.Merge(b)));
        });

    [Fact]
    public void Merge_result_dominates_both_inputs_and_dominance_means_nothing_new() =>
        ForStates((a, b, _) =>
        {
            MembershipState ab = a.Merge(b);
            Assert.True(ab.Dominates(a));
            Assert.True(ab.Dominates(b));
            Assert.Equal(a.Dominates(b), ReferenceEquals(a.Merge(b), a));
        });

    [Fact]
    public void Equal_version_vectors_mean_equal_states() =>
        ForStates((a, b, _) =>
        {
            bool sameVersion = a.VersionVector.AsSpan().SequenceEqual(b.VersionVector.AsSpan());
            Assert.Equal(sameVersion, a.Equals(b));
            Assert.Equal(sameVersion, a.Digest == b.Digest);
        });

    [Fact]
    public void Replicas_converge_after_exchanging_states_in_any_order()
    {
        Arbitrary<(History, (int, int)[])> arbitrary =
            (from history in MembershipGen.History()
             from order in MembershipGen.ExchangeOrder(history.Replicas)
             select (history, order)).ToArbitrary();
        Check.One(Config, Prop.ForAll(arbitrary, input =>
        {
            (History history, (int Into, int From)[] order) = input;
            Cluster cluster = Cluster.Run(history);
            MembershipState expected = cluster.Replicas[0];
            foreach (MembershipState replica in cluster.Replicas)
            {
                expected = expected.Merge(replica);
            }

            cluster.Exchange(order);
            foreach (MembershipState replica in cluster.Replicas)
            {
                AssertSame(expected, replica);
            }
        }));
    }

    [Fact]
    public void Add_wins_over_a_concurrent_remove()
    {
        Arbitrary<(History, int, int, int, int)> arbitrary =
            (from history in MembershipGen.History()
             from remover in Gen.Choose(0, history.Replicas - 1)
             from adder in Gen.Choose(0, history.Replicas - 2)
             from extra in Gen.Choose(0, Cluster.ExtraNodes - 1)
             from variant in Gen.Choose(1, 3)
             select (history, remover, adder, extra, variant)).ToArbitrary();
        Check.One(Config, Prop.ForAll(arbitrary, input =>
        {
            (History history, int remover, int adder, int extra, int variant) = input;
            adder = adder >= remover ? adder + 1 : adder; // a different replica
            Cluster cluster = Cluster.Run(history);
            cluster.Sync();
            NodeName x = cluster.Name(history.Replicas + extra);
            NodeSpec added = Cluster.Spec(x, variant, 6000);

            cluster.Set(remover, cluster.Replicas[remover].Remove(x));
            cluster.Set(adder, cluster.Replicas[adder].Add(added));
            cluster.Sync();

            foreach (MembershipState replica in cluster.Replicas)
            {
                Assert.True(replica.TryGetMember(x, out NodeSpec? shown));
                Assert.Equal(added, shown);
            }
        }));
    }

    /// <summary>
    /// After a replica removes x, no later history that does not add x brings it back, not even when every state
    /// that existed before the remove (and had been seen by the remover) is gossiped in late: Partisan issue #191.
    /// </summary>
    [Fact]
    public void Observed_remove_sticks_and_late_gossip_does_not_resurrect()
    {
        Arbitrary<(History, int, int, Op[], (int, int)[])> arbitrary =
            (from history in MembershipGen.History()
             from remover in Gen.Choose(0, history.Replicas - 1)
             from extra in Gen.Choose(0, Cluster.ExtraNodes - 1)
             // No restarts later: a remover that restarts before gossiping loses its remove, legitimately.
             from later in MembershipGen.Ops(history.Replicas, 30, restarts: false, canAdd: n => n != history.Replicas + extra)
             from order in MembershipGen.ExchangeOrder(history.Replicas)
             select (history, remover, extra, later, order)).ToArbitrary();
        Check.One(Config, Prop.ForAll(arbitrary, input =>
        {
            (History history, int remover, int extra, Op[] later, (int Into, int From)[] order) = input;
            Cluster cluster = Cluster.Run(history);
            NodeName x = cluster.Name(history.Replicas + extra);
            cluster.Set(remover, cluster.Replicas[remover].Add(Cluster.Spec(x, 1, 6000)));
            cluster.Sync();
            MembershipState seen = cluster.Replicas[remover];
            var before = cluster.All.FindAll(seen.Dominates);

            cluster.Set(remover, cluster.Replicas[remover].Remove(x));
            Assert.False(cluster.Replicas[remover].Contains(x));
            cluster.Apply(later);
            cluster.Exchange(order);
            foreach (MembershipState replica in cluster.Replicas)
            {
                Assert.False(replica.Contains(x), $"{x} came back in {replica}");
            }

            for (int r = 0; r < cluster.Replicas.Length; r++)
            {
                foreach (MembershipState old in before)
                {
                    cluster.Set(r, cluster.Replicas[r].Merge(old));
                }

                Assert.False(cluster.Replicas[r].Contains(x), $"late gossip resurrected {x} in {cluster.Replicas[r]}");
            }
        }));
    }

    /// <summary>
    /// Restarted nodes never appear twice, and once every replica re-asserts itself when it sees stale entries
    /// under its name (what the manager does on <see cref="SelfStatus.Stale"/>), every member replica is shown
    /// with exactly its current spec everywhere.
    /// </summary>
    [Fact]
    public void Restarted_nodes_are_shown_once_with_their_current_spec_after_reassertion()
    {
        Check.One(Config, Prop.ForAll(MembershipGen.History().ToArbitrary(), history =>
        {
            Cluster cluster = Cluster.Run(history);
            cluster.Sync();
            for (int r = 0; r < cluster.Replicas.Length; r++)
            {
                Assert.NotEqual(SelfStatus.Superseded, cluster.Replicas[r].SelfStatus);
                if (cluster.Replicas[r].SelfStatus == SelfStatus.Stale)
                {
                    cluster.Set(r, cluster.Replicas[r].Add(cluster.Replicas[r].Self));
                }
            }

            cluster.Sync();
            foreach (MembershipState self in cluster.Replicas)
            {
                SelfStatus status = self.SelfStatus;
                Assert.True(status is SelfStatus.Member or SelfStatus.Removed, $"{self.Self.Name} is {status}");
                foreach (MembershipState replica in cluster.Replicas)
                {
                    var names = new HashSet<NodeName>();
                    foreach (NodeSpec member in replica.Members)
                    {
                        Assert.True(names.Add(member.Name), $"{member.Name} listed twice");
                    }

                    if (status == SelfStatus.Member)
                    {
                        Assert.True(replica.TryGetMember(self.Self.Name, out NodeSpec? shown));
                        Assert.Equal(self.Self, shown);
                    }
                }
            }
        }));
    }

    [Fact]
    public void A_replica_removed_by_another_sees_itself_removed()
    {
        Arbitrary<(History, int, int)> arbitrary =
            (from history in MembershipGen.History()
             from remover in Gen.Choose(0, history.Replicas - 1)
             from removed in Gen.Choose(0, history.Replicas - 2)
             select (history, remover, removed)).ToArbitrary();
        Check.One(Config, Prop.ForAll(arbitrary, input =>
        {
            (History history, int remover, int removed) = input;
            removed = removed >= remover ? removed + 1 : removed;
            Cluster cluster = Cluster.Run(history);
            cluster.Sync();
            NodeName victim = cluster.Replicas[removed].Self.Name;
            cluster.Set(remover, cluster.Replicas[remover].Remove(victim));
            cluster.Sync();
            Assert.Equal(SelfStatus.Removed, cluster.Replicas[removed].SelfStatus);
            Assert.False(cluster.Replicas[remover].Contains(victim));
        }));
    }
}
