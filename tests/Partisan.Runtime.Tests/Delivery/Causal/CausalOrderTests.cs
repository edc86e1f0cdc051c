using Partisan.Delivery;

namespace Partisan.Tests.Delivery.Causal;

/// <summary>Causal order, one rule at a time, on <see cref="CausalOrder"/> alone.</summary>
public class CausalOrderTests
{
    private static readonly NodeName A = NodeName.Parse("a@127.0.0.1");
    private static readonly NodeName B = NodeName.Parse("b@127.0.0.1");
    private static readonly NodeName C = NodeName.Parse("c@127.0.0.1");

    private static CausalOrder Order(NodeName self, int maxHeld = 100) => new("l", self, run: 1, maxHeld);

    private static List<object> Arrive(CausalOrder order, NodeName from, CausalStamp stamp, object message, long now, out CausalArrival arrival)
    {
        var deliver = new List<HeldMessage>();
        arrival = order.Arrive(from, stamp, default, message, now, deliver, out _);
        return deliver.ConvertAll(h => h.Message);
    }

    [Fact]
    public void A_message_that_overtook_the_one_before_it_waits_for_it_and_both_are_delivered_in_order()
    {
        CausalOrder a = Order(A), b = Order(B);
        CausalStamp m1 = a.Stamp(B), m2 = a.Stamp(B);

        Assert.Empty(Arrive(b, A, m2, "m2", 1, out CausalArrival second));
        Assert.Equal(CausalArrival.Held, second);
        Assert.Equal(1, b.HeldCount);
        Assert.Equal(["m1", "m2"], Arrive(b, A, m1, "m1", 2, out CausalArrival first));
        Assert.Equal(CausalArrival.Delivered, first);
        Assert.Equal(0, b.HeldCount);
    }

    [Fact]
    public void A_dependency_that_travelled_through_a_third_node_is_kept_which_Partisan_loses_by_discarding_the_merged_buffer()
    {
        CausalOrder a = Order(A), b = Order(B), c = Order(C);
        CausalStamp m1 = a.Stamp(C);   // a -> c, late
        CausalStamp x = a.Stamp(B);    // a -> b after it
        Assert.Equal(["x"], Arrive(b, A, x, "x", 1, out _));
        CausalStamp m3 = b.Stamp(C);   // b -> c after delivering x: m1 happened before m3

        Assert.Empty(Arrive(c, B, m3, "m3", 2, out CausalArrival held));
        Assert.Equal(CausalArrival.Held, held);
        Assert.Equal(["m1", "m3"], Arrive(c, A, m1, "m1", 3, out _));
    }

    [Fact]
    public void A_copy_of_a_delivered_message_is_stale_and_a_copy_of_a_held_one_is_a_duplicate()
    {
        CausalOrder a = Order(A), b = Order(B);
        CausalStamp m1 = a.Stamp(B), m2 = a.Stamp(B);
        Arrive(b, A, m2, "m2", 1, out _);
        Assert.Empty(Arrive(b, A, m2, "m2", 2, out CausalArrival again));
        Assert.Equal(CausalArrival.Duplicate, again);
        Arrive(b, A, m1, "m1", 3, out _);
        Assert.Empty(Arrive(b, A, m1, "m1", 4, out CausalArrival late));
        Assert.Equal(CausalArrival.Stale, late);
    }

    [Fact]
    public void A_message_held_past_the_timeout_has_its_missing_dependency_declared_lost_and_the_lost_one_is_stale_if_it_turns_up()
    {
        CausalOrder a = Order(A), b = Order(B);
        CausalStamp m1 = a.Stamp(B), m2 = a.Stamp(B), m3 = a.Stamp(B);
        Arrive(b, A, m3, "m3", 10, out _);
        Arrive(b, A, m2, "m2", 20, out _);
        var deliver = new List<HeldMessage>();

        Assert.Equal(0, b.Expire(heldSince: 10, deliver)); // nothing held since before 10
        Assert.Empty(deliver);
        Assert.Equal(1, b.Expire(heldSince: 11, deliver)); // m3 held since 10: what it waits for (m1, m2) is given up on
        Assert.Equal(["m2", "m3"], deliver.ConvertAll(h => h.Message)); // m2 is present and in m3's past: it goes first
        Assert.Equal(1, b.Gaps);
        Assert.Empty(Arrive(b, A, m1, "m1", 30, out CausalArrival late));
        Assert.Equal(CausalArrival.Stale, late);
    }

    [Fact]
    public void More_held_messages_than_the_bound_give_up_on_the_oldest_one_so_the_hold_never_grows_past_it()
    {
        CausalOrder a = Order(A), b = Order(B, maxHeld: 2);
        CausalStamp[] stamps = [.. Enumerable.Range(0, 5).Select(_ => a.Stamp(B))];
        Arrive(b, A, stamps[2], "m2", 1, out _);
        Arrive(b, A, stamps[3], "m3", 2, out _);
        Assert.Equal(2, b.HeldCount);
        List<object> released = Arrive(b, A, stamps[4], "m4", 3, out CausalArrival arrival);

        Assert.Equal(CausalArrival.Held, arrival);
        Assert.Equal(["m2", "m3", "m4"], released); // the oldest (m2) gave up on m0 and m1, which released the rest
        Assert.Equal(0, b.HeldCount);
        Assert.Equal(1, b.Gaps);
    }

    [Fact]
    public void A_stamp_without_an_entry_for_its_sender_is_malformed()
    {
        CausalOrder c = Order(C), b = Order(B);
        CausalStamp fromC = c.Stamp(B);
        Assert.Empty(Arrive(b, A, fromC, "forged", 1, out CausalArrival arrival)); // claims to come from A, carries C's clock
        Assert.Equal(CausalArrival.Malformed, arrival);
    }

    [Fact]
    public void A_sender_restarted_in_a_newer_run_is_ahead_of_everything_its_old_run_sent()
    {
        CausalOrder old = Order(A), b = Order(B);
        for (int i = 0; i < 5; i++)
        {
            Arrive(b, A, old.Stamp(B), i, i, out _);
        }

        var restarted = new CausalOrder("l", A, run: 2, maxHeld: 100);
        Assert.Equal(["new"], Arrive(b, A, restarted.Stamp(B), "new", 10, out CausalArrival arrival));
        Assert.Equal(CausalArrival.Delivered, arrival);
    }
}
