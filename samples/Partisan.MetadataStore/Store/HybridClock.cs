namespace Partisan.MetadataStore;

/// <summary>
/// A node's hybrid logical clock: <see cref="Now"/> stamps a local write, <see cref="Observe"/> takes in a remote write's
/// stamp, so the next local stamp is ordered after everything this node has seen. Thread-safe.
/// </summary>
public sealed class HybridClock
{
    private readonly TimeProvider _time;
    private readonly string _node;
    private readonly Lock _gate = new();
    private long _wall;
    private int _counter;

    /// <summary>A clock for <paramref name="node"/> reading physical time from <paramref name="time"/>.</summary>
    public HybridClock(string node, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(time);
        _node = node;
        _time = time;
    }

    /// <summary>A new stamp, ordered after every stamp this clock made or observed.</summary>
    public HybridTimestamp Now()
    {
        long physical = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (physical > _wall)
            {
                _wall = physical;
                _counter = 0;
            }
            else
            {
                _counter++;
            }

            return new HybridTimestamp(_wall, _counter, _node);
        }
    }

    /// <summary>Takes in a stamp from another node, so later stamps of this clock are ordered after it.</summary>
    public void Observe(HybridTimestamp seen)
    {
        lock (_gate)
        {
            if (seen.WallMilliseconds > _wall)
            {
                _wall = seen.WallMilliseconds;
                _counter = seen.Counter;
            }
            else if (seen.WallMilliseconds == _wall && seen.Counter > _counter)
            {
                _counter = seen.Counter;
            }
        }
    }
}
