using Partisan.Broadcast;
using Partisan.Serialization;
using Partisan.Tests.Support;

namespace Partisan.Tests.Broadcast;

/// <summary>The broadcast messages' wire format: each round-trips under its reserved id; malformed ones are refused.</summary>
public class BroadcastMessageFormatterTests
{
    private static readonly NodeName Root = NodeName.Parse("root@h");

    private static byte[] Encode(object? message) => WireRoundTrip.Encode(message);

    private static object? Decode(byte[] bytes) => WireRoundTrip.Decode(bytes);

    [Fact]
    public void Every_message_round_trips_under_its_reserved_id()
    {
        Assert.Equal(new GossipMessage("kv", "id-1", 42L, 3, Root), Decode(Encode(new GossipMessage("kv", "id-1", 42L, 3, Root))));
        Assert.Equal(new PruneMessage("kv", Root), Decode(Encode(new PruneMessage("kv", Root))));
        Assert.Equal(new GraftMessage("kv", 7, 2, Root), Decode(Encode(new GraftMessage("kv", 7, 2, Root))));
        var ihave = (IHaveMessage?)Decode(Encode(new IHaveMessage([new IHaveEntry("kv", "a", 1, Root), new IHaveEntry("other", 5, 0, Root)])));
        Assert.NotNull(ihave);
        Assert.Equal(new[] { new IHaveEntry("kv", "a", 1, Root), new IHaveEntry("other", 5, 0, Root) }, ihave.Entries);

        var exchange = (ExchangeMessage?)Decode(Encode(new ExchangeMessage("kv", 9, FromInitiator: true, new[] { "a", "b" })));
        Assert.NotNull(exchange);
        Assert.Equal(("kv", 9L, true), (exchange.Handler, exchange.Session, exchange.FromInitiator));
        Assert.Equal(new[] { "a", "b" }, (string[]?)exchange.Body);
        Assert.Equal(new ExchangeMessage("kv", 9, false, null), Decode(Encode(new ExchangeMessage("kv", 9, false, null))));

        Assert.True(TypeRegistry.Default.TryGetTypeId(typeof(GossipMessage), out uint gossip));
        Assert.Equal(210u, gossip);
        Assert.True(TypeRegistry.Default.TryGetTypeId(typeof(GraftMessage), out uint graft));
        Assert.Equal(213u, graft);
    }

    [Fact]
    public void A_message_without_a_handler_name_an_id_or_a_payload_is_refused()
    {
        Assert.Throws<WireFormatException>(() => Decode(Encode(new GraftMessage("", 7, 2, Root))));
        Assert.Throws<WireFormatException>(() => Decode(Encode(new GraftMessage("kv", null!, 2, Root))));
        Assert.Throws<WireFormatException>(() => Decode(Encode(new GossipMessage("kv", "x", null!, 1, Root))));
    }
}
