namespace Partisan.Broadcast;

public sealed partial class BroadcastEngine
{
    // Announcements waiting for the next lazy tick, per lazy peer (bounded per peer; a peer's list is reused).
    private readonly Dictionary<NodeName, List<IHaveEntry>> _pending = new();

    /// <summary>Announcements waiting for the next lazy tick, all peers together.</summary>
    public int PendingAnnouncements
    {
        get
        {
            int count = 0;
            foreach (List<IHaveEntry> list in _pending.Values)
            {
                count += list.Count;
            }

            return count;
        }
    }

    private void Announce(NodeName peer, IHaveEntry entry)
    {
        if (!_pending.TryGetValue(peer, out List<IHaveEntry>? list))
        {
            list = new List<IHaveEntry>();
            _pending.Add(peer, list);
        }

        if (list.Count >= _options.MaxPendingAnnouncementsPerPeer)
        {
            Counters.AnnouncementsDropped++; // anti-entropy repairs what a lost announcement would have
            return;
        }

        list.Add(entry);
    }

    // Partisan sends i_have one message per entry on every tick; here one message per peer carries what queued since the last.
    private void FlushAnnouncements()
    {
        foreach ((NodeName peer, List<IHaveEntry> list) in _pending)
        {
            if (list.Count == 0)
            {
                continue;
            }

            if (IsNeighbour(peer))
            {
                Send(peer, new IHaveMessage(list.ToArray()));
                Counters.AnnouncementsSent += list.Count;
            }

            list.Clear();
        }
    }
}
