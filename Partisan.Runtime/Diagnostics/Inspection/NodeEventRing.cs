namespace Partisan.Diagnostics.Inspection;

/// <summary>The last <see cref="Capacity"/> node up/down events, oldest first. Written on the node's loop, read anywhere.</summary>
internal sealed class NodeEventRing
{
    /// <summary>How many events are kept.</summary>
    public const int Capacity = 256;

    private readonly Lock _gate = new();
    private readonly NodeEventInfo[] _events = new NodeEventInfo[Capacity];
    private long _written;

    public void Add(NodeEventInfo info)
    {
        lock (_gate)
        {
            _events[_written % Capacity] = info;
            _written++;
        }
    }

    public NodeEventInfo[] Snapshot()
    {
        lock (_gate)
        {
            int count = (int)Math.Min(_written, Capacity);
            var copy = new NodeEventInfo[count];
            long first = _written - count;
            for (int i = 0; i < count; i++)
            {
                copy[i] = _events[(first + i) % Capacity];
            }

            return copy;
        }
    }
}
