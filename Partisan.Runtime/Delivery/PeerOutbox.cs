namespace Partisan.Delivery;

/// <summary>What one destination has not acknowledged yet, in sequence order. The owner locks <see cref="Gate"/>.</summary>
internal sealed class PeerOutbox
{
    private readonly Dictionary<ulong, PendingMessage> _pending = new();
    private readonly Queue<ulong> _order = new(); // sequences in the order sent; settled ones are skipped lazily

    public PeerOutbox(NodeName node) => Node = node;

    public NodeName Node { get; }

    public Lock Gate { get; } = new();

    /// <summary>The next sequence to give out (sequences start at 1).</summary>
    public ulong NextSequence { get; set; } = 1;

    public void Add(PendingMessage pending)
    {
        _pending[pending.Sequence] = pending;
        _order.Enqueue(pending.Sequence);
    }

    public PendingMessage? Remove(ulong sequence) => _pending.Remove(sequence, out PendingMessage? pending) ? pending : null;

    /// <summary>The lowest sequence not yet acknowledged, <paramref name="next"/> when every earlier one is.</summary>
    public ulong Floor(ulong next)
    {
        while (_order.TryPeek(out ulong oldest))
        {
            if (_pending.ContainsKey(oldest))
            {
                return oldest;
            }

            _order.Dequeue();
        }

        return next;
    }

    /// <summary>What is kept, lowest sequence first.</summary>
    public IEnumerable<PendingMessage> InOrder()
    {
        foreach (ulong sequence in _order)
        {
            if (_pending.TryGetValue(sequence, out PendingMessage? pending))
            {
                yield return pending;
            }
        }
    }

    public List<PendingMessage> TakeAll()
    {
        var all = new List<PendingMessage>(_pending.Count);
        foreach (PendingMessage pending in InOrder())
        {
            all.Add(pending);
        }

        _pending.Clear();
        _order.Clear();
        return all;
    }
}
