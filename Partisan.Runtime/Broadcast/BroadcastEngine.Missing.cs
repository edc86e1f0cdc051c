namespace Partisan.Broadcast;

public sealed partial class BroadcastEngine
{
    // Messages announced and not received (bounded by MaxMissing), and their deadlines in one queue. A deadline whose
    // message arrived, or was re-queued, is skipped when it comes up: one timer serves them all, armed for the earliest.
    private readonly Dictionary<MessageKey, MissingMessage> _missing = new();
    private readonly PriorityQueue<(MessageKey Key, int Generation), TimeSpan> _deadlines = new();
    private TimeSpan? _graftTimerDue;

    /// <summary>Messages announced to this node that it awaits (each with a graft timer).</summary>
    public int MissingCount => _missing.Count;

    /// <summary>Deadlines queued, live or superseded (for tests of the bound).</summary>
    internal int QueuedDeadlines => _deadlines.Count;

    private void OnIHave(NodeName from, IHaveMessage ihave)
    {
        if (!IsNeighbour(from))
        {
            Drop(from, "i_have", "not a neighbour");
            return;
        }

        foreach (IHaveEntry entry in ihave.Entries)
        {
            if (!_handlers.TryGetValue(entry.Handler, out IBroadcastHandler? handler))
            {
                Drop(from, "i_have", "no handler named " + entry.Handler);
                continue;
            }

            if (!TryIsStale(handler, entry.Id, out bool stale) || stale)
            {
                continue;
            }

            var key = new MessageKey(entry.Handler, entry.Id);
            if (_missing.TryGetValue(key, out MissingMessage? missing))
            {
                if (missing.Announcers.Count < _options.MaxAnnouncers && !missing.Announcers.Contains(from))
                {
                    missing.Announcers.Add(from);
                }

                continue;
            }

            if (_missing.Count >= _options.MaxMissing)
            {
                Counters.MissingAbandoned++;
                continue;
            }

            missing = new MissingMessage(entry, from);
            _missing.Add(key, missing);
            Await(key, missing, _options.GraftTimeout);
        }
    }

    private void Await(MessageKey key, MissingMessage missing, TimeSpan timeout)
    {
        if (_deadlines.Count >= 2 * _options.MaxMissing)
        {
            CompactDeadlines(); // before the new generation: what it queues for this message is superseded below
        }

        missing.Generation++;
        missing.Due = Now + timeout;
        _deadlines.Enqueue((key, missing.Generation), missing.Due);
        ArmGraftTimer();
    }

    // Deadlines of messages that arrived stay queued until due; when they outnumber the live ones the queue is rebuilt from
    // the live ones, so it stays within twice MaxMissing however fast announcements come and go.
    private void CompactDeadlines()
    {
        _deadlines.Clear();
        foreach ((MessageKey key, MissingMessage missing) in _missing)
        {
            _deadlines.Enqueue((key, missing.Generation), missing.Due);
        }
    }

    private void ArmGraftTimer()
    {
        if (!_deadlines.TryPeek(out _, out TimeSpan due))
        {
            return;
        }

        if (_graftTimerDue is { } armed && armed <= due)
        {
            return;
        }

        _graftTimerDue = due;
        TimeSpan wait = due - Now;
        _context.SetTimer(_graftTimer, wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
    }

    private void OnGraftTimer()
    {
        _graftTimerDue = null;
        TimeSpan now = Now;
        while (_deadlines.TryPeek(out (MessageKey Key, int Generation) item, out TimeSpan due) && due <= now)
        {
            _deadlines.Dequeue();
            if (_missing.TryGetValue(item.Key, out MissingMessage? missing) && missing.Generation == item.Generation)
            {
                GraftMissing(item.Key, missing);
            }
        }

        ArmGraftTimer();
    }

    // The message did not come by eager push in time: ask an announcer for it (in turn), and that link becomes eager.
    private void GraftMissing(MessageKey key, MissingMessage missing)
    {
        IHaveEntry entry = missing.Entry;
        if (!_handlers.TryGetValue(entry.Handler, out IBroadcastHandler? handler)
            || !TryIsStale(handler, entry.Id, out bool stale) || stale)
        {
            _missing.Remove(key);
            return;
        }

        if (missing.Attempts >= _options.MaxGraftAttempts)
        {
            _missing.Remove(key);
            Counters.MissingAbandoned++;
            BroadcastLog.MissingAbandoned(_logger, entry.Handler, missing.Attempts);
            return;
        }

        NodeName announcer = missing.Announcers[missing.Attempts % missing.Announcers.Count];
        missing.Attempts++;
        if (IsNeighbour(announcer))
        {
            MakeEager(entry.Root, announcer);
        }

        Send(announcer, new GraftMessage(entry.Handler, entry.Id, entry.Round, entry.Root));
        Counters.GraftsSent++;
        Await(key, missing, _options.GraftRetryTimeout);
    }
}
