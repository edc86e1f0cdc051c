using System.Collections.Concurrent;
using Partisan.Channels;

namespace Partisan.Delivery;

/// <summary>
/// The receiving half of acknowledged delivery: one <see cref="DedupWindow"/> per sender, keyed by the sender's name and
/// reset when a newer run of it appears (<see cref="AckContext.Epoch"/>). Called on connections' readers, several at
/// once for one sender (parallel connections): each window has its own lock.
/// </summary>
internal sealed class AckReceiver
{
    /// <summary>Senders tracked at most (8 KiB each); acknowledged messages from further senders are dropped, unacknowledged.</summary>
    public const int MaxSenders = 4096;

    private readonly ConcurrentDictionary<NodeName, DedupWindow> _windows = new();

    /// <summary>Decides whether the message <paramref name="sequence"/> from <paramref name="from"/> is new.</summary>
    public DedupVerdict Admit(NodeName from, AckContext context, ulong sequence)
    {
        if (!_windows.TryGetValue(from, out DedupWindow? window))
        {
            if (_windows.Count >= MaxSenders)
            {
                return DedupVerdict.TooManySenders;
            }

            window = _windows.GetOrAdd(from, static (_, epoch) => new DedupWindow(epoch), context.Epoch);
        }

        lock (window)
        {
            if (context.Epoch < window.Epoch)
            {
                return DedupVerdict.Stale;
            }

            if (context.Epoch > window.Epoch)
            {
                window.Reset(context.Epoch);
            }

            return window.Admit(sequence, context.Floor);
        }
    }

    /// <summary>Forgets <paramref name="sender"/> (it left the cluster).</summary>
    public void Forget(NodeName sender) => _windows.TryRemove(sender, out _);

    /// <summary>Senders tracked (for tests).</summary>
    public int Senders => _windows.Count;
}
