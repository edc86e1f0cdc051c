namespace Partisan.Simulation;

/// <summary>What a simulation counted: events, overlay messages (in all, by message type, by node), drops by reason, failures.</summary>
public sealed class SimulationCounters
{
    private readonly Dictionary<string, MessageCounters> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _dropReasons = new(StringComparer.Ordinal);
    private readonly List<MessageCounters> _byNode = new();

    /// <summary>Events the scheduler processed.</summary>
    public long Events { get; internal set; }

    /// <summary>Overlay messages in all.</summary>
    public MessageCounters Messages { get; } = new();

    /// <summary>Calls into an overlay that threw (logged and contained, as the runtime does).</summary>
    public long OverlayFailures { get; internal set; }

    /// <summary>Messages that failed the round trip through the serializer (<see cref="SimulationOptions.SerializeMessages"/>).</summary>
    public long SerializationFailures { get; internal set; }

    /// <summary>Links opened (both ends up).</summary>
    public long LinksOpened { get; internal set; }

    /// <summary>Dials that failed (refused, unreachable, duplicate).</summary>
    public long DialsFailed { get; internal set; }

    /// <summary>Counts by message type name (<c>Type.Name</c>), sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, MessageCounters>> ByType
    {
        get
        {
            var list = new List<KeyValuePair<string, MessageCounters>>(_byType);
            list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return list;
        }
    }

    /// <summary>Dropped messages by reason, sorted by reason.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> DropReasons
    {
        get
        {
            var list = new List<KeyValuePair<string, long>>(_dropReasons);
            list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return list;
        }
    }

    /// <summary>The counts of the node added <paramref name="index"/>-th (0-based), as sender (sent, dropped) and receiver (delivered).</summary>
    public MessageCounters ForNode(int index) => _byNode[index];

    /// <summary>The counts of one message type (by <c>Type.Name</c>); zeros when none was sent.</summary>
    public MessageCounters ForType(string typeName) => _byType.TryGetValue(typeName, out MessageCounters? c) ? c : new MessageCounters();

    /// <summary>How many were dropped for <paramref name="reason"/>.</summary>
    public long DroppedFor(string reason) => _dropReasons.GetValueOrDefault(reason);

    internal void AddNode() => _byNode.Add(new MessageCounters());

    internal MessageCounters Type(string name)
    {
        if (!_byType.TryGetValue(name, out MessageCounters? c))
        {
            c = new MessageCounters();
            _byType[name] = c;
        }

        return c;
    }

    internal void CountSent(int node, string type)
    {
        Messages.Sent++;
        Type(type).Sent++;
        _byNode[node].Sent++;
    }

    internal void CountBytes(int node, string type, long bytes)
    {
        Messages.Bytes += bytes;
        Type(type).Bytes += bytes;
        _byNode[node].Bytes += bytes;
    }

    internal void CountDelivered(int node, string type)
    {
        Messages.Delivered++;
        Type(type).Delivered++;
        _byNode[node].Delivered++;
    }

    internal void CountDropped(int node, string type, string reason)
    {
        Messages.Dropped++;
        Type(type).Dropped++;
        _byNode[node].Dropped++;
        _dropReasons[reason] = _dropReasons.GetValueOrDefault(reason) + 1;
    }
}
