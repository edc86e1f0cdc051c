namespace Partisan.Overlays.HyParView;

/// <summary>
/// One message of the HyParView overlay. A single shape for every kind (<see cref="HyParViewMessageKind"/>) keeps the wire
/// format and its validation in one place; the factory methods say which fields each kind uses.
/// </summary>
internal sealed class HyParViewMessage
{
    /// <summary>The most specs a shuffle sample may carry; larger samples are refused as malformed.</summary>
    public const int MaxSample = 256;

    private HyParViewMessage(HyParViewMessageKind kind, NodeSpec sender)
    {
        Kind = kind;
        Sender = sender;
    }

    /// <summary>What the message is.</summary>
    public HyParViewMessageKind Kind { get; }

    /// <summary>The sending node's spec; its name must be the authenticated peer the message came from.</summary>
    public NodeSpec Sender { get; }

    /// <summary>The node the message is about: the joiner, the shuffle's or search's origin, the route's destination.</summary>
    public NodeSpec? Subject { get; private init; }

    /// <summary>The node a route search looks for, or the origin a route reply or error travels toward.</summary>
    public NodeName? Target { get; private init; }

    /// <summary>Hops left on a random walk or a search.</summary>
    public int Ttl { get; private init; }

    /// <summary>A search or shuffle id, or a route's distance in hops.</summary>
    public long Id { get; private init; }

    /// <summary>The sender's link-state sequence number (neighbour and disconnect messages), which filters stale ones.</summary>
    public long Sequence { get; private init; }

    /// <summary>High priority (<see cref="HyParViewMessageKind.NeighbourRequest"/>), accepted (reply), leaving (disconnect).</summary>
    public bool Flag { get; private init; }

    /// <summary>A shuffle's sample of peers.</summary>
    public IReadOnlyList<NodeSpec> Sample { get; private init; } = [];

    public static HyParViewMessage Join(NodeSpec self) => new(HyParViewMessageKind.Join, self);

    // A join sent again to a node that failed earlier names the incarnation it failed in, so a node that left or restarted
    // since is not pulled back in.
    public static HyParViewMessage Rejoin(NodeSpec self, NodeSpec recipient) => new(HyParViewMessageKind.Join, self) { Id = recipient.Incarnation };

    public static HyParViewMessage ForwardJoin(NodeSpec self, NodeSpec joiner, int ttl) =>
        new(HyParViewMessageKind.ForwardJoin, self) { Subject = joiner, Ttl = ttl };

    // Neighbour messages carry the incarnation of the recipient as the sender knows it (its epoch), in Id: a node that
    // restarted or left refuses a link meant for its earlier incarnation.
    public static HyParViewMessage Neighbour(NodeSpec self, NodeSpec recipient, long sequence) =>
        new(HyParViewMessageKind.Neighbour, self) { Sequence = sequence, Id = recipient.Incarnation };

    public static HyParViewMessage NeighbourRequest(NodeSpec self, NodeSpec recipient, bool highPriority, long sequence) =>
        new(HyParViewMessageKind.NeighbourRequest, self) { Flag = highPriority, Sequence = sequence, Id = recipient.Incarnation };

    public static HyParViewMessage NeighbourReply(NodeSpec self, bool accepted, long sequence) =>
        new(HyParViewMessageKind.NeighbourReply, self) { Flag = accepted, Sequence = sequence };

    public static HyParViewMessage Disconnect(NodeSpec self, bool leaving, long sequence) =>
        new(HyParViewMessageKind.Disconnect, self) { Flag = leaving, Sequence = sequence };

    public static HyParViewMessage Shuffle(NodeSpec self, NodeSpec origin, IReadOnlyList<NodeSpec> sample, int ttl, long id) =>
        new(HyParViewMessageKind.Shuffle, self) { Subject = origin, Sample = sample, Ttl = ttl, Id = id };

    public static HyParViewMessage ShuffleReply(NodeSpec self, IReadOnlyList<NodeSpec> sample, long id) =>
        new(HyParViewMessageKind.ShuffleReply, self) { Sample = sample, Id = id };

    public static HyParViewMessage RouteRequest(NodeSpec self, NodeSpec origin, NodeName destination, long id, int ttl, int distance) =>
        new(HyParViewMessageKind.RouteRequest, self) { Subject = origin, Target = destination, Id = id, Ttl = ttl, Sequence = distance };

    public static HyParViewMessage RouteReply(NodeSpec self, NodeSpec destination, NodeName origin, int distance) =>
        new(HyParViewMessageKind.RouteReply, self) { Subject = destination, Target = origin, Sequence = distance };

    public static HyParViewMessage RouteError(NodeSpec self, NodeName destination) =>
        new(HyParViewMessageKind.RouteError, self) { Target = destination };

    public static HyParViewMessage LeaveRequest(NodeSpec self) => new(HyParViewMessageKind.LeaveRequest, self);

    /// <summary>Rebuilds a message read from the wire (the formatter validates the fields first).</summary>
    internal static HyParViewMessage FromWire(HyParViewMessageKind kind, NodeSpec sender, NodeSpec? subject, NodeName? target, int ttl, long id, long sequence, bool flag, NodeSpec[] sample) =>
        new(kind, sender) { Subject = subject, Target = target, Ttl = ttl, Id = id, Sequence = sequence, Flag = flag, Sample = sample };

    /// <inheritdoc />
    public override string ToString() => $"{Kind} from {Sender.Name}" + (Subject is null ? "" : $" about {Subject.Name}") + (Target is null ? "" : $" for {Target}");
}
