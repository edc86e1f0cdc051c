using Partisan.Connections;

namespace Partisan.Faults;

/// <content>Partitions: this node and a set of peers cannot reach each other until the partition is resolved.</content>
public sealed partial class FaultInjector
{
    /// <summary>
    /// Cuts this node off from <paramref name="peers"/>: open connections to them are killed, handshakes with them are
    /// refused both ways, and frames to or from them are lost, until <see cref="ResolvePartition"/>. (Partisan's
    /// <c>inject_partition</c>, which only HyParView has.) Inject the same partition on the peers for a symmetric cut;
    /// refusing handshakes here already keeps both sides apart.
    /// </summary>
    public PartitionHandle InjectPartition(params NodeName[] peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        PartitionHandle handle;
        lock (_gate)
        {
            handle = new PartitionHandle(++_nextHandle);
            _partitions[handle.Id] = new Partition(handle, peers.ToArray());
            RebuildPartitioned();
        }

        foreach (NodeName peer in peers)
        {
            KillConnections(peer);
        }

        return handle;
    }

    /// <summary>
    /// Cuts this node off from every other node, present and future, as if its process had died while it goes on running
    /// (the in-memory network's old <c>Crash</c>, on every transport): every open connection is killed, every handshake is
    /// refused both ways and every frame is lost, until <see cref="ResolvePartition"/>. To stop a node for real, dispose it.
    /// </summary>
    public PartitionHandle Isolate()
    {
        PartitionHandle handle;
        lock (_gate)
        {
            handle = new PartitionHandle(++_nextHandle);
            _partitions[handle.Id] = new Partition(handle, []) { Everyone = true };
            RebuildPartitioned();
        }

        foreach (PeerConnection connection in _connections.OpenConnections())
        {
            connection.Close("isolated_by_fault_injection");
        }

        return handle;
    }

    /// <summary>Ends a partition (the nodes redial as usual); false when it was already resolved.</summary>
    public bool ResolvePartition(PartitionHandle handle)
    {
        lock (_gate)
        {
            if (!_partitions.Remove(handle.Id))
            {
                return false;
            }

            RebuildPartitioned();
            return true;
        }
    }

    /// <summary>The partitions in force (Partisan's <c>partitions()</c>).</summary>
    public IReadOnlyList<Partition> Partitions()
    {
        lock (_gate)
        {
            return _partitions.Values.ToArray();
        }
    }

    /// <summary>True when a partition separates this node from <paramref name="peer"/>.</summary>
    public bool IsPartitioned(NodeName peer)
    {
        if (_isolated)
        {
            return true;
        }

        NodeName[] cut = _partitioned;
        for (int i = 0; i < cut.Length; i++)
        {
            if (cut[i] == peer)
            {
                return true;
            }
        }

        return false;
    }

    private void RebuildPartitioned()
    {
        var all = new HashSet<NodeName>();
        bool isolated = false;
        foreach (Partition partition in _partitions.Values)
        {
            all.UnionWith(partition.Peers);
            isolated |= partition.Everyone;
        }

        _partitioned = [.. all];
        _isolated = isolated;
        UpdateFramesActive();
    }
}
