using Partisan.Delivery;

namespace Partisan.Tests.Delivery.Causal;

/// <summary>
/// Nodes that each run a <see cref="CausalOrder"/> and exchange stamped messages (through the codec) over a network that
/// delivers in any order, duplicates and loses, driven by one seeded random source. Keeps the ground truth of causality:
/// per node, the set of messages in its causal past, and per message, the past it was sent in.
/// </summary>
internal sealed class CausalSimulation
{
    public sealed record Sent(int Id, int From, int To, byte[] Stamp, HashSet<int> Past);

    private readonly Random _random;
    private readonly NodeName[] _names;
    private readonly CausalOrder[] _orders;
    private readonly HashSet<int>[] _past;
    private readonly List<Sent> _inFlight = new();
    private long _now;

    public CausalSimulation(int nodes, int seed, int maxHeld)
    {
        _random = new Random(seed);
        _names = new NodeName[nodes];
        _orders = new CausalOrder[nodes];
        _past = new HashSet<int>[nodes];
        Delivered = new List<int>[nodes];
        for (int i = 0; i < nodes; i++)
        {
            _names[i] = NodeName.Parse($"sim{i}@127.0.0.1");
            _orders[i] = new CausalOrder("label", _names[i], run: 7, maxHeld);
            _past[i] = new HashSet<int>();
            Delivered[i] = new List<int>();
        }
    }

    public List<Sent> All { get; } = new();

    public HashSet<int> Lost { get; } = new();

    public List<int>[] Delivered { get; }

    public IReadOnlyList<CausalOrder> Orders => _orders;

    public int Stale { get; private set; }

    /// <summary>The most messages any node held at once.</summary>
    public int MaxHeldSeen { get; private set; }

    /// <summary>Runs <paramref name="steps"/> random sends and arrivals; <paramref name="duplicate"/> and <paramref name="lose"/> are per-arrival probabilities.</summary>
    public void Run(int steps, double duplicate, double lose)
    {
        for (int step = 0; step < steps; step++)
        {
            if (_inFlight.Count == 0 || _random.Next(100) < 45)
            {
                Send(_random.Next(_names.Length), _random.Next(_names.Length - 1));
            }
            else
            {
                Arrive(_random.Next(_inFlight.Count), duplicate, lose);
            }
        }
    }

    /// <summary>Every message still in flight arrives, in random order, once.</summary>
    public void Drain()
    {
        while (_inFlight.Count > 0)
        {
            Arrive(_random.Next(_inFlight.Count), duplicate: 0, lose: 0);
        }
    }

    /// <summary>Every node gives up on whatever it still holds.</summary>
    public void ExpireAll()
    {
        for (int i = 0; i < _orders.Length; i++)
        {
            var deliver = new List<HeldMessage>();
            _orders[i].Expire(long.MaxValue, deliver);
            Record(i, deliver);
        }
    }

    private void Send(int from, int other)
    {
        int to = other >= from ? other + 1 : other;
        byte[] stamp = CausalStampCodec.Encode(_orders[from].Stamp(_names[to]));
        var sent = new Sent(All.Count, from, to, stamp, [.. _past[from]]);
        _past[from].Add(sent.Id);
        All.Add(sent);
        _inFlight.Add(sent);
    }

    private void Arrive(int index, double duplicate, double lose)
    {
        Sent sent = _inFlight[index];
        if (_random.NextDouble() >= duplicate)
        {
            _inFlight.RemoveAt(index);
        }

        if (_random.NextDouble() < lose)
        {
            Lost.Add(sent.Id);
            return;
        }

        CausalStamp stamp = CausalStampCodec.TryDecode(sent.Stamp, _ => true, out string? problem, out _) ?? throw new InvalidOperationException(problem);
        var deliver = new List<HeldMessage>();
        CausalArrival arrival = _orders[sent.To].Arrive(_names[sent.From], stamp, default, sent, ++_now, deliver, out _);
        Stale += arrival == CausalArrival.Stale ? 1 : 0;
        MaxHeldSeen = Math.Max(MaxHeldSeen, _orders[sent.To].HeldCount);
        Record(sent.To, deliver);
    }

    private void Record(int node, List<HeldMessage> deliver)
    {
        foreach (HeldMessage held in deliver)
        {
            var sent = (Sent)held.Message;
            Delivered[node].Add(sent.Id);
            _past[node].UnionWith(sent.Past);
            _past[node].Add(sent.Id);
        }
    }

    /// <summary>The first causal violation among delivered messages (a message delivered before one in its past that the same node delivered), or null.</summary>
    public string? FirstOrderViolation()
    {
        for (int node = 0; node < Delivered.Length; node++)
        {
            var position = new Dictionary<int, int>();
            for (int p = 0; p < Delivered[node].Count; p++)
            {
                position.TryAdd(Delivered[node][p], p);
            }

            foreach (int id in Delivered[node])
            {
                foreach (int before in All[id].Past)
                {
                    if (position.TryGetValue(before, out int at) && at > position[id])
                    {
                        return $"node {node} delivered {id} before {before}, which is in its causal past";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The first message delivered twice, or null.</summary>
    public string? FirstDuplicate()
    {
        for (int node = 0; node < Delivered.Length; node++)
        {
            var seen = new HashSet<int>();
            foreach (int id in Delivered[node])
            {
                if (!seen.Add(id))
                {
                    return $"node {node} delivered {id} twice";
                }
            }
        }

        return null;
    }
}
