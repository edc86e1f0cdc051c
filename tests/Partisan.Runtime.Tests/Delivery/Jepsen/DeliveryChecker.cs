namespace Partisan.Tests.Delivery.Jepsen;

/// <summary>
/// Jepsen-style checker of what the nodes' processes received against what was sent: lost (sent, never delivered),
/// duplicated (delivered more than once) and causally out of order (delivered after a message to the same node that it
/// happened before). Causality is the test's own ground truth: each message carries its sender's vector of sends known
/// (independent of the runtime's clocks), so <c>a</c> happened before <c>b</c> when <c>b</c>'s vector counts <c>a</c>'s send.
/// </summary>
internal sealed class DeliveryChecker
{
    /// <summary>One message: <paramref name="Known"/>[i] is how many sends of node i its sender knew of when it sent it (its own send counted).</summary>
    public sealed record Message(int From, int To, int[] Known)
    {
        /// <summary>Which send of its sender it was (1-based).</summary>
        public int Index => Known[From];

        public string Encode() => $"{From}|{To}|{string.Join(',', Known)}";

        public static Message Decode(string text)
        {
            string[] parts = text.Split('|');
            int[] known = [.. parts[2].Split(',').Select(int.Parse)];
            int from = int.Parse(parts[0]);
            return new Message(from, int.Parse(parts[1]), known);
        }

        /// <summary>True when this message's send happened before <paramref name="later"/>'s.</summary>
        public bool HappenedBefore(Message later) => !ReferenceEquals(this, later) && !(later.From == From && later.Index == Index) && later.Known[From] >= Index;
    }

    private readonly List<Message> _sent = new();
    private readonly List<Message>[] _delivered;
    private readonly Lock _gate = new();

    public DeliveryChecker(int nodes)
    {
        _delivered = new List<Message>[nodes];
        for (int i = 0; i < nodes; i++)
        {
            _delivered[i] = new List<Message>();
        }
    }

    public int Sent
    {
        get
        {
            lock (_gate)
            {
                return _sent.Count;
            }
        }
    }

    public int Delivered
    {
        get
        {
            lock (_gate)
            {
                return _delivered.Sum(d => d.Count);
            }
        }
    }

    public void RecordSent(Message message)
    {
        lock (_gate)
        {
            _sent.Add(message);
        }
    }

    public void RecordDelivered(int node, Message message)
    {
        lock (_gate)
        {
            _delivered[node].Add(message);
        }
    }

    /// <summary>Checks the history.</summary>
    public Report Check()
    {
        lock (_gate)
        {
            var counts = new Dictionary<(int From, int Index), int>();
            foreach (List<Message> delivered in _delivered)
            {
                foreach (Message message in delivered)
                {
                    counts[(message.From, message.Index)] = counts.GetValueOrDefault((message.From, message.Index)) + 1;
                }
            }

            int lost = _sent.Count(m => !counts.ContainsKey((m.From, m.Index)));
            int duplicated = counts.Values.Sum(c => Math.Max(0, c - 1));
            int outOfOrder = 0;
            string? example = null;
            for (int node = 0; node < _delivered.Length; node++)
            {
                List<Message> delivered = _delivered[node];
                for (int later = 0; later < delivered.Count; later++)
                {
                    for (int earlier = later + 1; earlier < delivered.Count; earlier++)
                    {
                        if (delivered[earlier].HappenedBefore(delivered[later]))
                        {
                            outOfOrder++;
                            example ??= $"node {node} delivered {delivered[later].Encode()} before {delivered[earlier].Encode()}, which happened before it";
                        }
                    }
                }
            }

            return new Report(_sent.Count, _delivered.Sum(d => d.Count), lost, duplicated, outOfOrder, example);
        }
    }

    /// <summary>What the checker found.</summary>
    public sealed record Report(int Sent, int Delivered, int Lost, int Duplicated, int OutOfOrder, string? FirstOutOfOrder)
    {
        public override string ToString() =>
            $"{Sent:N0} sent, {Delivered:N0} delivered: {Lost} lost, {Duplicated} duplicated, {OutOfOrder} causally out of order{(FirstOutOfOrder is null ? "" : " (first: " + FirstOutOfOrder + ")")}";
    }
}
