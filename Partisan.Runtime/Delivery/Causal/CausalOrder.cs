namespace Partisan.Delivery;

/// <summary>
/// Causal order of one label on one node, sending and receiving: the label's <see cref="Clock"/>, the order buffer (per
/// destination, the clock of the latest message to it this node knows of) and the messages held back. A pure state
/// machine (no clock, no network, no lock: the owner locks), so it is tested on its own (CausalOrderPropertyTests).
/// </summary>
/// <remarks>
/// <para>Sending to <c>d</c> ticks this node's entry and stamps the message with the clock and the order buffer, then
/// records the clock as the order buffer's entry for <c>d</c>. A message for this node is delivered once the clock
/// dominates the stamp's entry for this node; delivering merges the stamp's clock into the clock and its whole order
/// buffer into this node's (Partisan's causality backend discards the merged buffer, so a dependency that travelled
/// through a third node was lost). A message whose sender's entry is not after the clock's was delivered before (or
/// declared lost): it is stale.</para>
/// <para>Held messages are kept in rank order (the sum of their clock's counts, a linear extension of happened-before),
/// so whatever one delivery releases is delivered in an order causality allows. When more than the bound are held, or
/// one waited too long (<see cref="Expire"/>), the oldest one's missing dependencies are declared lost: the clock jumps
/// to what it waited for, and it and whatever it released are delivered, still in causal order among themselves; a lost
/// message that turns up later is stale. Delivered messages never break causal order; a gap is reported instead.</para>
/// </remarks>
internal sealed class CausalOrder
{
    private readonly Dictionary<NodeName, VectorClock> _orderBuffer = new();
    private readonly List<HeldMessage> _held = new();
    private readonly int _maxHeld;

    public CausalOrder(string label, NodeName self, ulong run, int maxHeld)
    {
        Label = label;
        Self = self;
        Run = run;
        _maxHeld = maxHeld;
    }

    /// <summary>The label.</summary>
    public string Label { get; }

    /// <summary>This node.</summary>
    public NodeName Self { get; }

    /// <summary>This node's run (its incarnation).</summary>
    public ulong Run { get; }

    /// <summary>The label's clock on this node: what it has sent and delivered.</summary>
    public VectorClock Clock { get; } = new();

    /// <summary>Messages held back now.</summary>
    public int HeldCount => _held.Count;

    /// <summary>Held messages whose missing dependencies were declared lost (a bound or the hold timeout).</summary>
    public long Gaps { get; private set; }

    /// <summary>Stamps this node's next message to <paramref name="destination"/>.</summary>
    public CausalStamp Stamp(NodeName destination)
    {
        Clock.Tick(Self, Run);
        var dependencies = new Dictionary<NodeName, VectorClock>(_orderBuffer.Count);
        foreach (KeyValuePair<NodeName, VectorClock> entry in _orderBuffer)
        {
            dependencies[entry.Key] = entry.Value.Copy();
        }

        var stamp = new CausalStamp(Label, Clock.Copy(), dependencies);
        _orderBuffer[destination] = Clock.Copy();
        return stamp;
    }

    /// <summary>
    /// A message from <paramref name="from"/> arrived: appends to <paramref name="deliver"/>, in order, the messages to
    /// deliver now (it, and what it released); <paramref name="gaps"/> counts held messages given up on to stay in bound.
    /// </summary>
    public CausalArrival Arrive(NodeName from, CausalStamp stamp, ProcessRef target, object message, long now, List<HeldMessage> deliver, out int gaps)
    {
        gaps = 0;
        ClockEntry own = stamp.Timestamp[from];
        if (own.Count == 0)
        {
            return CausalArrival.Malformed;
        }

        if (own <= Clock[from])
        {
            return CausalArrival.Stale;
        }

        for (int i = 0; i < _held.Count; i++)
        {
            if (_held[i].From == from && _held[i].Stamp.Timestamp[from] == own)
            {
                return CausalArrival.Duplicate;
            }
        }

        var arrived = new HeldMessage(from, stamp, target, message, now);
        if (IsDeliverable(stamp))
        {
            Apply(stamp);
            deliver.Add(arrived);
            ReleaseReady(deliver);
            return CausalArrival.Delivered;
        }

        Insert(arrived);
        while (_held.Count > _maxHeld)
        {
            GiveUpOldest(deliver);
            gaps++;
        }

        return CausalArrival.Held;
    }

    /// <summary>Gives up on the dependencies of every message held since before <paramref name="heldSince"/>, oldest first; returns how many were given up on.</summary>
    public int Expire(long heldSince, List<HeldMessage> deliver)
    {
        int gaps = 0;
        while (Oldest() is { } oldest && _held[oldest].ArrivedAt < heldSince)
        {
            GiveUpOldest(deliver);
            gaps++;
        }

        return gaps;
    }

    /// <summary>When the oldest held message arrived, or null when none is held.</summary>
    public long? OldestArrival => Oldest() is { } at ? _held[at].ArrivedAt : null;

    private bool IsDeliverable(CausalStamp stamp) => stamp.DependencyOf(Self) is not { } dependency || Clock.Dominates(dependency);

    private void Apply(CausalStamp stamp)
    {
        Clock.Merge(stamp.Timestamp);
        foreach (KeyValuePair<NodeName, VectorClock> entry in stamp.Dependencies)
        {
            if (entry.Key == Self)
            {
                continue; // satisfied: this node has delivered it
            }

            if (_orderBuffer.TryGetValue(entry.Key, out VectorClock? known))
            {
                known.Merge(entry.Value);
            }
            else
            {
                _orderBuffer[entry.Key] = entry.Value.Copy();
            }
        }
    }

    private void Insert(HeldMessage held)
    {
        int at = _held.Count;
        while (at > 0 && _held[at - 1].Rank > held.Rank)
        {
            at--;
        }

        _held.Insert(at, held);
    }

    private int? Oldest()
    {
        int? oldest = null;
        for (int i = 0; i < _held.Count; i++)
        {
            if (oldest is not { } at || _held[i].ArrivedAt < _held[at].ArrivedAt)
            {
                oldest = i;
            }
        }

        return oldest;
    }

    private void GiveUpOldest(List<HeldMessage> deliver)
    {
        HeldMessage oldest = _held[Oldest()!.Value];
        if (oldest.Stamp.DependencyOf(Self) is { } dependency)
        {
            Clock.Merge(dependency);
        }

        Gaps++;
        ReleaseReady(deliver);
    }

    /// <summary>Delivers, in rank order, every held message the clock now allows, until none is left that it allows.</summary>
    private void ReleaseReady(List<HeldMessage> deliver)
    {
        bool released = true;
        while (released)
        {
            released = false;
            for (int i = 0; i < _held.Count;)
            {
                HeldMessage held = _held[i];
                if (!IsDeliverable(held.Stamp))
                {
                    i++;
                    continue;
                }

                // Delivered even when a declared gap moved the clock past its sender's entry: it is present, and it is in
                // the causal past of the message given up on, so delivering it now (before that one) keeps the order.
                _held.RemoveAt(i);
                Apply(held.Stamp);
                deliver.Add(held);
                released = true;
            }
        }
    }
}
