using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Partisan.Connections;
using Partisan.Diagnostics.Inspection;
using Partisan.Overlays;
using Partisan.Processes;

namespace Partisan;

/// <content>
/// Inspection: what an operator asks a running node (Erlang's <c>observer</c>). Every method reads published snapshots
/// and counters, never waits on the node's loop, and returns records that do not change afterwards; call them from any
/// thread, as often as a dashboard refreshes.
/// </content>
public sealed partial class PartisanNode
{
    private readonly NodeEventRing _nodeEvents = new();

    /// <summary>
    /// Every connection slot to every peer this node has a connection set for: one per (peer, channel, index), with its
    /// state, what its current connection has sent and received, the bytes waiting in its queue, and since when the
    /// connection serves it.
    /// </summary>
    public IReadOnlyList<ConnectionInfo> Connections()
    {
        FrozenDictionary<NodeName, PeerConnectionSet> table = _connections.Table;
        var result = new List<ConnectionInfo>();
        foreach (PeerConnectionSet set in table.Values)
        {
            foreach (ConnectionSlot slot in set.AllSlots)
            {
                result.Add(Describe(slot));
            }
        }

        result.Sort(static (x, y) =>
        {
            int byPeer = string.CompareOrdinal(x.Peer.Value, y.Peer.Value);
            int byChannel = byPeer != 0 ? byPeer : string.CompareOrdinal(x.Channel, y.Channel);
            return byChannel != 0 ? byChannel : x.Index.CompareTo(y.Index);
        });
        return result;
    }

    private static ConnectionInfo Describe(ConnectionSlot slot)
    {
        PeerConnection? connection = slot.Current;
        ConnectionState state = connection switch
        {
            null => slot.Dialing ? ConnectionState.Connecting : ConnectionState.Disconnected,
            { IsClosed: true } or { IsRetiring: true } => ConnectionState.Closing,
            { IsStarted: false } => ConnectionState.Connecting,
            _ => ConnectionState.Connected,
        };
        return connection is null
            ? new ConnectionInfo(slot.Peer, slot.Channel.Name, slot.Index, state, false, 0, null, null, 0, 0, 0, 0, slot.Queue.PendingBytes)
            : new ConnectionInfo(
                slot.Peer,
                slot.Channel.Name,
                slot.Index,
                state,
                connection.IsOutbound,
                connection.ProtocolVersion,
                connection.RemoteEndPoint,
                connection.StartedAt,
                connection.BytesSent,
                connection.BytesReceived,
                connection.MessagesSent,
                connection.MessagesReceived,
                slot.Queue.PendingBytes);
    }

    /// <summary>This node's processes, by pid: registered name, mailbox depth, and the behaviour running each.</summary>
    public IReadOnlyList<ProcessInfo> Processes()
    {
        var result = new List<ProcessInfo>();
        foreach (IMessageTarget target in _processes.All)
        {
            if (target is LocalProcess process && process.Reason is null)
            {
                result.Add(new ProcessInfo(process.Pid, process.Name, process.MailboxDepth, process.Behaviour?.Name));
            }
        }

        result.Sort(static (x, y) => x.Pid.Id.CompareTo(y.Pid.Id));
        return result;
    }

    /// <summary>The overlay's members, neighbours, passive view (where it has one) and relay routes.</summary>
    public OverlayViewInfo OverlayView()
    {
        var neighbours = new List<NodeName>();
        foreach (PeerConnectionSet set in _connections.Table.Values)
        {
            if (set.Wanted && !set.Removed)
            {
                neighbours.Add(set.Name);
            }
        }

        List<NodeName>? passive = null;
        if (_overlay.Overlay is IPassiveViewOverlay withPassive)
        {
            passive = new List<NodeName>();
            foreach (NodeSpec spec in withPassive.PassiveViewSnapshot)
            {
                passive.Add(spec.Name);
            }

            passive.Sort(static (x, y) => string.CompareOrdinal(x.Value, y.Value));
        }

        neighbours.Sort(static (x, y) => string.CompareOrdinal(x.Value, y.Value));
        return new OverlayViewInfo(_overlay.Overlay.GetType().Name, _peers.Members, neighbours, passive, _overlay.NextHops);
    }

    /// <summary>The most recent node up and down events this node saw (at most 256), oldest first.</summary>
    public IReadOnlyList<NodeEventInfo> RecentNodeEvents() => _nodeEvents.Snapshot();

    /// <summary>Hooks the event ring and the queue and mailbox gauges (from the constructor).</summary>
    private void StartInspection()
    {
        _peers.OnUp(node => _nodeEvents.Add(new NodeEventInfo(TimeProvider.GetUtcNow(), node, true, null)));
        _peers.OnDown((node, reason) => _nodeEvents.Add(new NodeEventInfo(TimeProvider.GetUtcNow(), node, false, reason)));
        Metrics.Observe(ObserveQueues, ObserveMailboxes);
    }

    private List<Measurement<long>> ObserveQueues()
    {
        var byChannel = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (PeerConnectionSet set in _connections.Table.Values)
        {
            foreach (ConnectionSlot slot in set.AllSlots)
            {
                byChannel[slot.Channel.Name] = byChannel.GetValueOrDefault(slot.Channel.Name) + slot.Queue.PendingBytes;
            }
        }

        var measurements = new List<Measurement<long>>(byChannel.Count);
        foreach (KeyValuePair<string, long> channel in byChannel)
        {
            measurements.Add(new Measurement<long>(channel.Value, Metrics.NodeTag, new KeyValuePair<string, object?>(Diagnostics.SpanAttributes.Channel, channel.Key)));
        }

        return measurements;
    }

    private long ObserveMailboxes()
    {
        long total = 0;
        foreach (IMessageTarget target in _processes.All)
        {
            if (target is LocalProcess process)
            {
                total += process.MailboxDepth;
            }
        }

        return total;
    }
}
