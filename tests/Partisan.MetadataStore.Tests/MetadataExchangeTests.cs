using FsCheck;
using FsCheck.Fluent;
using Partisan.Broadcast;

namespace Partisan.MetadataStore.Tests;

/// <summary>
/// The store as a broadcast handler, with no network: the anti-entropy conversation run by hand (as two engines would run
/// it, one message at a time) makes two stores that saw different writes equal, and the handler's stale and graft answers
/// follow the stamps.
/// </summary>
public class MetadataExchangeTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(150);
    private static readonly NodeName A = NodeName.Parse("a@h");
    private static readonly NodeName B = NodeName.Parse("b@h");

    private static MetadataStore StoreWith(string name, IEnumerable<MetadataEntry> writes)
    {
        var store = new MetadataStore(name, new SettableTime());
        foreach (MetadataEntry write in writes)
        {
            store.MergeRemote(write);
        }

        return store;
    }

    /// <summary>Runs an exchange from <paramref name="initiator"/> to <paramref name="responder"/> to its end; returns its number of messages.</summary>
    private static int Exchange(IBroadcastExchange initiator, IBroadcastExchange responder)
    {
        object? message = initiator.BeginExchange(B);
        int messages = 0;
        bool toResponder = true;
        while (message is not null)
        {
            messages++;
            Assert.True(messages <= 3, "an exchange takes at most three messages");
            message = toResponder ? responder.ContinueExchange(A, message) : initiator.ContinueExchange(B, message);
            toResponder = !toResponder;
        }

        return messages;
    }

    [Fact]
    public void One_exchange_makes_two_stores_that_saw_different_writes_hold_the_same_data() =>
        Check.One(Config, Prop.ForAll(
            (from writes in WriteGen.Writes()
             from split in Gen.ArrayOf(Gen.Choose(0, 2), writes.Length)
             select (writes, split)).ToArbitrary(),
            input =>
            {
                // Each write reached a only, b only, or both.
                var toA = input.writes.Where((_, i) => input.split[i] != 1);
                var toB = input.writes.Where((_, i) => input.split[i] != 0);
                MetadataStore a = StoreWith("a@h", toA), b = StoreWith("b@h", toB);
                Exchange(a, b);
                Assert.Equal(Sorted(a.Digests()), Sorted(b.Digests()));
                Assert.Equal(Sorted(WriteGen.ReplicaOf(input.writes).Digests()), Sorted(a.Digests()));
            }));

    private static SortedDictionary<string, long> Sorted(IReadOnlyDictionary<string, long> digests) => new(digests.ToDictionary(), StringComparer.Ordinal);

    [Fact]
    public void Stores_that_agree_end_the_exchange_after_the_digests()
    {
        MetadataEntry[] writes = [new("config", "k", "v", new HybridTimestamp(1, 0, "a@h"))];
        Assert.Equal(1, Exchange(StoreWith("a@h", writes), StoreWith("b@h", writes)));
    }

    [Fact]
    public void An_announced_write_is_stale_when_the_key_holds_it_or_newer_and_a_graft_gets_it_only_while_it_is_the_winner()
    {
        var older = new MetadataEntry("config", "k", "old", new HybridTimestamp(1, 0, "a@h"));
        var newer = new MetadataEntry("config", "k", null, new HybridTimestamp(2, 0, "b@h"));
        MetadataStore store = StoreWith("c@h", [older]);
        IBroadcastHandler handler = store;

        Assert.True(handler.IsStale(older.Id));
        Assert.False(handler.IsStale(newer.Id));
        Assert.Equal(GraftResultKind.Payload, handler.Graft(older.Id).Kind);
        Assert.Equal(GraftResultKind.Error, handler.Graft(newer.Id).Kind);

        Assert.True(handler.Merge(newer.Id, newer));
        Assert.False(handler.Merge(older.Id, older));
        Assert.Equal(GraftResultKind.Stale, handler.Graft(older.Id).Kind);
        Assert.Same(newer, handler.Graft(newer.Id).Payload);
        Assert.Null(store.Get("config", "k"));
        Assert.Equal(GraftResultKind.Error, handler.Graft(new WriteId("config", "never", newer.Stamp)).Kind);
    }

    [Fact]
    public void A_local_write_is_stamped_after_every_write_the_store_took_in()
    {
        var remote = new MetadataEntry("config", "k", "theirs", new HybridTimestamp(DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds(), 3, "z@h"));
        MetadataStore store = StoreWith("a@h", [remote]);
        HybridTimestamp mine = store.Put("config", "k", "mine");
        Assert.True(mine > remote.Stamp);
        Assert.Equal("mine", store.Get("config", "k"));
    }
}
