namespace Partisan.Broadcast;

/// <summary>A message this node heard announced and has not received: who announced it, and how far grafting it went.</summary>
internal sealed class MissingMessage(IHaveEntry first, NodeName announcer)
{
    /// <summary>The first announcement (handler, id, round and root for the graft).</summary>
    public IHaveEntry Entry { get; } = first;

    /// <summary>Announcers in the order they were heard; grafted in turn.</summary>
    public List<NodeName> Announcers { get; } = [announcer];

    /// <summary>Grafts sent so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the next graft is due (time since the engine started).</summary>
    public TimeSpan Due { get; set; }

    /// <summary>Matches the deadline queued last for this message; older queued deadlines are ignored.</summary>
    public int Generation { get; set; }
}
