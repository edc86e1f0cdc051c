using System.Globalization;

namespace Partisan.Simulation;

/// <summary>
/// The scheduler: one priority queue of events ordered by (virtual time, sequence), processed one at a time, each
/// folded into <see cref="TraceHash"/>. Events at the same instant run in the order they were scheduled.
/// </summary>
public sealed partial class OverlaySimulation
{
    private readonly PriorityQueue<SimEvent, EventKey> _queue = new();
    private readonly Dictionary<Type, TypeInfo> _types = new();
    private readonly List<string> _trace = new();
    private long _sequence;
    private ulong _hash = 14695981039346656037UL;

    /// <summary>A 64-bit fingerprint of every event processed so far (time, kind, nodes, message type): equal runs give equal hashes.</summary>
    public ulong TraceHash => _hash;

    /// <summary>One line per processed event, when <see cref="SimulationOptions.RecordTrace"/> is on.</summary>
    public IReadOnlyList<string> Trace => _trace;

    /// <summary>Events waiting in the queue.</summary>
    public int QueuedEvents => _queue.Count;

    /// <summary>Processes every event due within <paramref name="duration"/>; the clock then reads <see cref="Now"/> + <paramref name="duration"/>.</summary>
    public void RunFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        long end = NowTicks + duration.Ticks;
        while (_queue.TryPeek(out _, out EventKey key) && key.Time <= end)
        {
            Step();
        }

        Clock.Ticks = end;
    }

    /// <summary>
    /// Runs until <paramref name="condition"/> holds or <paramref name="max"/> has passed; true when it holds. The condition
    /// is checked before starting and then whenever virtual time has moved <paramref name="checkEvery"/> (default 100 ms)
    /// past the last check, between events, so an expensive condition costs little; the clock stops at the event after
    /// which it held.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan max, TimeSpan? checkEvery = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, TimeSpan.Zero);
        long every = (checkEvery ?? TimeSpan.FromMilliseconds(100)).Ticks;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, 0, nameof(checkEvery));
        if (condition())
        {
            return true;
        }

        long end = NowTicks + max.Ticks;
        long nextCheck = NowTicks + every;
        while (_queue.TryPeek(out _, out EventKey key) && key.Time <= end)
        {
            if (key.Time > nextCheck)
            {
                // Check at the check instant itself, before time jumps past it.
                Clock.Ticks = nextCheck;
                nextCheck += every * Math.Max(1, (key.Time - nextCheck) / every);
                if (condition())
                {
                    return true;
                }
            }

            Step();
        }

        Clock.Ticks = end;
        return condition();
    }

    internal void Schedule(long at, SimEvent ev)
    {
        if (at < NowTicks)
        {
            at = NowTicks;
        }

        _queue.Enqueue(ev, new EventKey(at, _sequence++));
    }

    private void Step()
    {
        _queue.TryDequeue(out SimEvent ev, out EventKey key);
        Clock.Ticks = key.Time;
        Counters.Events++;
        Fingerprint(ev);
        SimulatedNode node = ev.Node;
        switch (ev.Kind)
        {
            case SimEventKind.Timer:
                if (node.Alive)
                {
                    node.OnTimerDue((string)ev.Payload!, ev.Arg);
                }

                break;
            case SimEventKind.Deliver:
                Arrive(node, ev.Link!, ev.Payload!);
                break;
            case SimEventKind.DialArrive:
                DialArrive(node, ev.Link!, ev.Peer!, ev.Epoch);
                break;
            case SimEventKind.DialFailed:
                if (node.Alive && node.Epoch == ev.Epoch)
                {
                    node.OnDialFailed(ev.Peer!, ev.Link, ev.Arg == 1);
                }

                break;
            case SimEventKind.Redial:
                if (node.Alive && node.Epoch == ev.Epoch)
                {
                    node.OnRedialDue(ev.Peer!);
                }

                break;
            case SimEventKind.LinkLost:
                if (node.Alive && node.Epoch == ev.Epoch)
                {
                    node.OnLinkLost(ev.Link!, (string)ev.Payload!);
                }

                break;
            case SimEventKind.Relay:
                RelayStep(node, (RelayResult)ev.Payload!);
                break;
            case SimEventKind.PartitionTimeout:
                PartitionTimeout(ev.Link!, (PartitionHandle)ev.Payload!);
                break;
        }
    }

    // FNV-style mixing of (time, kind, from, to, type): cheap, and built from nothing process-random (not string.GetHashCode).
    private void Fingerprint(in SimEvent ev)
    {
        SimulatedNode node = ev.Node;
        int from = node.Index;
        int to = node.Index;
        string what;
        switch (ev.Kind)
        {
            case SimEventKind.Timer:
                what = (string)ev.Payload!;
                break;
            case SimEventKind.Deliver:
                from = ev.Link!.Other(node).Index;
                what = Describe(ev.Payload!).Name;
                break;
            case SimEventKind.DialArrive or SimEventKind.DialFailed or SimEventKind.PartitionTimeout:
                to = ev.Link?.Acceptor.Index ?? -1;
                what = "";
                break;
            case SimEventKind.LinkLost:
                from = ev.Link!.Other(node).Index;
                what = (string)ev.Payload!;
                break;
            case SimEventKind.Redial:
                to = Find(ev.Peer!.Name)?.Index ?? -1;
                what = "";
                break;
            default:
                what = "relay";
                break;
        }

        ulong h = _hash;
        h = Mix(h, (ulong)NowTicks);
        h = Mix(h, (ulong)ev.Kind);
        h = Mix(h, (ulong)(uint)from);
        h = Mix(h, (ulong)(uint)to);
        h = Mix(h, StableHash(what));
        _hash = h;
        if (Options.RecordTrace)
        {
            _trace.Add(string.Create(CultureInfo.InvariantCulture, $"{Now.TotalMilliseconds:F3} {ev.Kind} {from}->{to} {what}"));
        }
    }

    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v;
        h *= 1099511628211UL;
        return h ^ (h >> 29);
    }

    private static ulong StableHash(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }

    // A payload's name for counters and the trace: the message type's name, or the link's own markers.
    private TypeInfo Describe(object payload)
    {
        Type type = payload.GetType();
        if (!_types.TryGetValue(type, out TypeInfo? info))
        {
            string name = payload switch
            {
                WelcomeMarker => "welcome",
                CloseMarker => "close",
                RelayResult => "relay",
                _ => type.Name,
            };
            info = new TypeInfo(name);
            _types.Add(type, info);
        }

        return info;
    }

    private sealed record TypeInfo(string Name);

    private readonly record struct EventKey(long Time, long Sequence) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other) => Time != other.Time ? Time.CompareTo(other.Time) : Sequence.CompareTo(other.Sequence);
    }
}
