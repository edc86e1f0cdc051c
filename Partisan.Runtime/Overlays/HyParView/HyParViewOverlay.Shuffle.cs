namespace Partisan.Overlays.HyParView;

/// <summary>Shuffles: a periodic random walk that swaps samples of the views, so passive views stay fresh and mixed.</summary>
public sealed partial class HyParViewOverlay
{
    private readonly List<NodeSpec> _lastShuffleSample = new();
    private long _shuffleId;

    private void StartShuffle()
    {
        if (_active.Count == 0)
        {
            return;
        }

        var sample = new List<NodeSpec>(1 + _options.ShuffleActiveCount + _options.ShufflePassiveCount) { _self };
        AddRandom(sample, _active, _options.ShuffleActiveCount);
        AddRandom(sample, _passive, _options.ShufflePassiveCount);
        _lastShuffleSample.Clear();
        _lastShuffleSample.AddRange(sample);
        NodeSpec target = _active[_context.Random.Next(_active.Count)];
        _context.Send(target.Name, HyParViewMessage.Shuffle(_self, _self, sample, _options.ShuffleRandomWalkLength, ++_shuffleId));
    }

    private void OnShuffle(HyParViewMessage m)
    {
        NodeSpec origin = m.Subject!;
        if (!RequireNeighbour(m) || origin.Name == _self.Name)
        {
            return;
        }

        if (m.Sample.Count > 1 + _options.ShuffleActiveCount + _options.ShufflePassiveCount)
        {
            HyParViewLog.Dropped(_context.Logger, m.Sender.Name, m.Kind.ToString(), $"its sample of {m.Sample.Count} is larger than a shuffle carries");
            return;
        }

        int ttl = Math.Min(m.Ttl, _options.ShuffleRandomWalkLength) - 1;
        if (ttl > 0 && _active.Count > 1 && RandomActive(except: m.Sender.Name, alsoExcept: origin.Name) is { } next)
        {
            _context.Send(next.Name, HyParViewMessage.Shuffle(_self, origin, m.Sample, ttl, m.Id));
            return;
        }

        // The walk ends here: answer the origin directly with as many passive peers as it sent, then merge its sample.
        var reply = new List<NodeSpec>(m.Sample.Count);
        AddRandom(reply, _passive, m.Sample.Count);
        bool linked = _context.IsConnected(origin.Name) || IndexOf(_active, origin.Name) >= 0;
        _context.Send(origin, HyParViewMessage.ShuffleReply(_self, reply, m.Id));
        if (!linked)
        {
            // A connection opened only for the reply: close it once the reply is written.
            _context.Disconnect(origin.Name);
        }

        _lastShuffleSample.Clear();
        _lastShuffleSample.AddRange(reply);
        MergePassive(m.Sample);
    }

    /// <summary>Merges a received sample into the passive view, making room by dropping first what this node itself sent away.</summary>
    private void MergePassive(IReadOnlyList<NodeSpec> sample)
    {
        int limit = Math.Min(sample.Count, HyParViewMessage.MaxSample);
        for (int i = 0; i < limit; i++)
        {
            NodeSpec peer = sample[i];
            if (peer.Name == _self.Name || IndexOf(_active, peer.Name) >= 0)
            {
                continue;
            }

            int existing = IndexOf(_passive, peer.Name);
            if (existing >= 0)
            {
                if (peer.Incarnation > _passive[existing].Incarnation)
                {
                    _passive[existing] = peer;
                    _membersDirty = true;
                }

                continue;
            }

            if (_passive.Count >= _options.PassiveViewSize && _options.PassiveViewSize > 0)
            {
                int victim = -1;
                foreach (NodeSpec sent in _lastShuffleSample)
                {
                    victim = IndexOf(_passive, sent.Name);
                    if (victim >= 0)
                    {
                        break;
                    }
                }

                RemovePassiveAt(victim >= 0 ? victim : _context.Random.Next(_passive.Count));
            }

            AddPassive(peer);
        }
    }

    /// <summary>Appends up to <paramref name="count"/> distinct random peers of <paramref name="view"/> to <paramref name="into"/>.</summary>
    private void AddRandom(List<NodeSpec> into, List<NodeSpec> view, int count)
    {
        int n = view.Count;
        if (n == 0 || count <= 0)
        {
            return;
        }

        // A random rotation and a random odd-or-coprime stride would be cheaper; n is at most a few dozen, so a partial
        // Fisher-Yates over an index buffer is simplest and exact.
        Span<int> indexes = n <= 256 ? stackalloc int[n] : new int[n];
        for (int i = 0; i < n; i++)
        {
            indexes[i] = i;
        }

        int take = Math.Min(count, n);
        for (int i = 0; i < take; i++)
        {
            int j = i + _context.Random.Next(n - i);
            (indexes[i], indexes[j]) = (indexes[j], indexes[i]);
            into.Add(view[indexes[i]]);
        }
    }
}
