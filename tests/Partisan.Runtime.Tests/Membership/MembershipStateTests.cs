using Partisan.Membership;

namespace Partisan.Tests.Membership;

/// <summary>The membership CRDT, scenario by scenario.</summary>
public class MembershipStateTests
{
    private static readonly NodeName A = NodeName.Parse("a@h");
    private static readonly NodeName B = NodeName.Parse("b@h");
    private static readonly NodeName C = NodeName.Parse("c@h");
    private static readonly NodeName X = NodeName.Parse("x@h");

    private static NodeSpec Spec(NodeName name, long incarnation = 1, int port = 9000) =>
        new(name, [new ListenAddress("10.0.0.1", port)], [ChannelOptions.Default], incarnation);

    private static MembershipState Checked(MembershipState state)
    {
        MembershipInvariants.Check(state);
        return state;
    }

    private static NodeName[] Names(MembershipState state)
    {
        var names = new NodeName[state.Members.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = state.Members[i].Name;
        }

        return names;
    }

    [Fact]
    public void Create_holds_only_self()
    {
        NodeSpec self = Spec(A, 5);
        MembershipState state = Checked(MembershipState.Create(self));

        Assert.Equal<NodeSpec>([self], state.Members);
        Assert.Same(self, state.Self);
        Assert.Equal(new ReplicaId(A, 5), state.Owner);
        Assert.Equal<Dot>([new Dot(new ReplicaId(A, 5), 1)], state.VersionVector);
        Assert.Equal(SelfStatus.Member, state.SelfStatus);
        Assert.True(state.Contains(A));
        Assert.False(state.Contains(B));
    }

    [Fact]
    public void Add_lists_the_node_and_a_second_add_replaces_its_spec()
    {
        MembershipState state = Checked(MembershipState.Create(Spec(A)).Add(Spec(B, 1, 9001)));
        Assert.Equal([A, B], Names(state));

        NodeSpec moved = Spec(B, 1, 9002);
        state = Checked(state.Add(moved));
        Assert.Equal([A, B], Names(state));
        Assert.True(state.TryGetMember(B, out NodeSpec? shown));
        Assert.Equal(moved, shown);
        Assert.Single(state.Entries[1].Dots);
    }

    [Fact]
    public void Members_are_sorted_by_name()
    {
        MembershipState state = MembershipState.Create(Spec(B)).Add(Spec(X)).Add(Spec(A)).Add(Spec(C));
        Assert.Equal([A, B, C, X], Names(state));
    }

    [Fact]
    public void Adding_another_incarnation_of_the_owner_throws()
    {
        MembershipState state = MembershipState.Create(Spec(A, 1));
        Assert.Throws<ArgumentException>(() => state.Add(Spec(A, 2)));
    }

    [Fact]
    public void Adding_the_owner_with_a_new_address_updates_Self()
    {
        NodeSpec rebound = Spec(A, 1, 9100);
        MembershipState state = Checked(MembershipState.Create(Spec(A, 1, 0)).Add(rebound));
        Assert.Same(rebound, state.Self);
        Assert.Equal<NodeSpec>([rebound], state.Members);
        Assert.Equal(SelfStatus.Member, state.SelfStatus);
    }

    [Fact]
    public void Removing_a_non_member_returns_the_same_state()
    {
        MembershipState state = MembershipState.Create(Spec(A));
        Assert.Same(state, state.Remove(X));
    }

    [Fact]
    public void Remove_drops_the_node_and_steps_the_version()
    {
        MembershipState withX = MembershipState.Create(Spec(A)).Add(Spec(X));
        MembershipState removed = Checked(withX.Remove(X));

        Assert.Equal([A], Names(removed));
        Assert.True(removed.Dominates(withX));
        Assert.False(withX.Dominates(removed));
        Assert.NotEqual(withX.Digest, removed.Digest);
        Assert.Same(removed, removed.Merge(withX));
    }

    [Fact]
    public void Merge_unions_disjoint_adds()
    {
        MembershipState a = MembershipState.Create(Spec(A));
        MembershipState b = MembershipState.Create(Spec(B)).Add(Spec(C));
        MembershipState merged = Checked(a.Merge(b));
        Assert.Equal([A, B, C], Names(merged));
        Assert.Equal(merged, b.Merge(a));
        Assert.Equal(a.Owner, merged.Owner);
    }

    [Fact]
    public void Merge_returns_the_same_instance_when_nothing_is_new()
    {
        MembershipState a = MembershipState.Create(Spec(A));
        MembershipState b = MembershipState.Create(Spec(B));
        MembershipState ab = a.Merge(b);
        Assert.NotSame(a, ab);
        Assert.Same(ab, ab.Merge(b));
        Assert.Same(ab, ab.Merge(a));
        Assert.Same(ab, ab.Merge(b.Merge(a)));
    }

    [Fact]
    public void A_concurrent_add_wins_over_a_remove()
    {
        MembershipState a = MembershipState.Create(Spec(A)).Add(Spec(X, 1, 9001));
        MembershipState b = MembershipState.Create(Spec(B)).Merge(a);

        NodeSpec readded = Spec(X, 1, 9002);
        MembershipState aRemoved = a.Remove(X);
        MembershipState bReadded = b.Add(readded);

        foreach (MembershipState merged in new[] { aRemoved.Merge(bReadded), bReadded.Merge(aRemoved) })
        {
            Checked(merged);
            Assert.True(merged.TryGetMember(X, out NodeSpec? shown));
            Assert.Equal(readded, shown);
        }
    }

    [Fact]
    public void A_remove_only_removes_what_it_observed()
    {
        MembershipState a = MembershipState.Create(Spec(A)).Add(Spec(X, 1, 9001));
        MembershipState b = MembershipState.Create(Spec(B)).Add(Spec(X, 1, 9002)); // b's add, unseen by a

        MembershipState merged = Checked(a.Remove(X).Merge(b));
        Assert.True(merged.TryGetMember(X, out NodeSpec? shown));
        Assert.Equal(9002, shown.ListenAddresses[0].Port);

        // Once a has seen b's add, its remove takes both.
        MembershipState seenAll = Checked(a.Merge(b).Remove(X));
        Assert.False(seenAll.Merge(b).Contains(X));
        Assert.False(b.Merge(seenAll).Contains(X));
    }

    [Fact]
    public void Concurrent_adds_of_the_same_incarnation_pick_the_same_spec_everywhere()
    {
        MembershipState a = MembershipState.Create(Spec(A)).Add(Spec(X, 3, 9001));
        MembershipState b = MembershipState.Create(Spec(B)).Add(Spec(X, 3, 9002));
        MembershipState ab = Checked(a.Merge(b));
        MembershipState ba = Checked(b.Merge(a));

        Assert.Equal(2, ab.Entries[ab.Entries.Length - 1].Dots.Length);
        Assert.True(ab.TryGetMember(X, out NodeSpec? fromAb));
        Assert.True(ba.TryGetMember(X, out NodeSpec? fromBa));
        Assert.Equal(fromAb, fromBa);
        Assert.Equal(9002, fromAb.ListenAddresses[0].Port); // b's dot is higher (b@h > a@h)
    }

    [Fact]
    public void A_restarted_node_on_a_new_address_is_listed_once()
    {
        NodeSpec x1 = Spec(X, 1, 9001);
        MembershipState x = MembershipState.Create(x1);
        MembershipState a = MembershipState.Create(Spec(A)).Merge(x);
        MembershipState b = MembershipState.Create(Spec(B)).Merge(a);

        // x restarts on a new address and joins through a.
        NodeSpec x2 = Spec(X, 2, 9002);
        MembershipState restarted = MembershipState.Create(x2);
        a = Checked(a.Merge(restarted));
        Assert.Equal([A, X], Names(a));
        Assert.True(a.TryGetMember(X, out NodeSpec? shown));
        Assert.Equal(x2, shown);

        // The new run sees its old entry, re-asserts itself, and the old entry goes everywhere.
        restarted = Checked(restarted.Merge(a));
        Assert.Equal(SelfStatus.Stale, restarted.SelfStatus);
        restarted = Checked(restarted.Add(restarted.Self));
        Assert.Equal(SelfStatus.Member, restarted.SelfStatus);

        b = Checked(b.Merge(a).Merge(restarted));
        Assert.Equal([A, B, X], Names(b));
        Assert.True(b.TryGetMember(X, out shown));
        Assert.Equal(x2, shown);
        Assert.Single(b.Entries[2].Dots);

        // The old run, still gossiping, learns that it is superseded.
        Assert.Equal(SelfStatus.Superseded, x.Merge(b).SelfStatus);
    }

    [Fact]
    public void A_left_node_does_not_come_back_through_late_gossip()
    {
        // Partisan issue #191.
        MembershipState x = MembershipState.Create(Spec(X));
        MembershipState a = MembershipState.Create(Spec(A)).Merge(x);
        MembershipState b = MembershipState.Create(Spec(B)).Merge(a);
        x = x.Merge(b);
        MembershipState xBeforeLeaving = x;
        MembershipState bBefore = b;

        // x leaves: it removes itself and tells a; a tells b.
        x = Checked(x.Remove(X));
        Assert.Equal(SelfStatus.Removed, x.SelfStatus);
        a = Checked(a.Merge(x));
        b = Checked(b.Merge(a));
        Assert.Equal([A, B], Names(a));
        Assert.Equal([A, B], Names(b));

        // Old states arrive late, from the leaver itself and from a bystander.
        a = Checked(a.Merge(xBeforeLeaving).Merge(bBefore));
        b = Checked(b.Merge(bBefore).Merge(xBeforeLeaving));
        Assert.Equal([A, B], Names(a));
        Assert.Equal([A, B], Names(b));
    }

    [Fact]
    public void A_node_removed_by_another_sees_itself_removed_and_can_rejoin()
    {
        MembershipState a = MembershipState.Create(Spec(A));
        MembershipState b = MembershipState.Create(Spec(B)).Merge(a);
        a = a.Merge(b);

        b = b.Remove(A);
        a = Checked(a.Merge(b));
        Assert.Equal(SelfStatus.Removed, a.SelfStatus);
        Assert.False(a.Contains(A));

        // Rejoining in the same run: a new dot from the same replica, unseen by b.
        a = Checked(a.Add(a.Self));
        Assert.Equal(SelfStatus.Member, a.SelfStatus);
        b = Checked(b.Merge(a));
        Assert.Equal([A, B], Names(b));
    }

    [Fact]
    public void A_leaver_rejoins_with_a_new_incarnation()
    {
        MembershipState a = MembershipState.Create(Spec(A, 1));
        MembershipState b = MembershipState.Create(Spec(B)).Merge(a);
        a = a.Merge(b).Remove(A);
        b = b.Merge(a);
        Assert.Equal([B], Names(b));

        MembershipState again = MembershipState.Create(Spec(A, 2, 9005));
        b = Checked(b.Merge(again));
        again = Checked(again.Merge(b));
        Assert.Equal(SelfStatus.Member, again.SelfStatus);
        Assert.Equal(b, again);
        Assert.True(b.TryGetMember(A, out NodeSpec? shown));
        Assert.Equal(2, shown.Incarnation);
    }

    [Fact]
    public void Stale_status_reports_an_older_spec_of_the_same_run()
    {
        MembershipState a = MembershipState.Create(Spec(A, 1, 9000));
        MembershipState b = MembershipState.Create(Spec(B)).Merge(a).Add(Spec(A, 1, 9000));
        a = a.Add(Spec(A, 1, 9001)); // a rebinds, concurrently with b re-adding the old spec
        a = Checked(a.Merge(b));
        Assert.Equal(SelfStatus.Stale, a.SelfStatus);
        Assert.Equal(SelfStatus.Member, a.Add(a.Self).SelfStatus);
    }

    [Fact]
    public void Equality_ignores_the_owner()
    {
        MembershipState a = MembershipState.Create(Spec(A));
        MembershipState b = MembershipState.Create(Spec(B));
        MembershipState ab = a.Merge(b);
        MembershipState ba = b.Merge(a);
        Assert.NotEqual(ab.Self, ba.Self);
        Assert.Equal(ab, ba);
        Assert.Equal(ab.GetHashCode(), ba.GetHashCode());
        Assert.NotEqual(a, b);
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void Dominates_compares_version_vectors()
    {
        MembershipState a = MembershipState.Create(Spec(A));
        MembershipState b = MembershipState.Create(Spec(B));
        Assert.False(a.Dominates(b));
        Assert.False(b.Dominates(a));
        MembershipState ab = a.Merge(b);
        Assert.True(ab.Dominates(a));
        Assert.True(ab.Dominates(b));
        Assert.True(ab.Dominates(ab));
        Assert.False(a.Dominates(ab));
    }

    [Fact]
    public void Digest_is_the_same_on_every_machine()
    {
        MembershipState state = MembershipState.Create(Spec(A, 7)).Add(Spec(B)).Remove(B);
        // FNV-1a 64 over "a@h", "#", incarnation 7 and counter 3 (8 bytes each, little-endian), computed independently.
        Assert.Equal(0x8624_9465_76B7_1FC1UL, state.Digest);
    }

    [Fact]
    public void ToString_lists_members()
    {
        string text = MembershipState.Create(Spec(A)).Add(Spec(B)).ToString();
        Assert.Contains("a@h", text, StringComparison.Ordinal);
        Assert.Contains("b@h", text, StringComparison.Ordinal);
    }
}
