namespace Partisan.Monitoring;

/// <summary>
/// Process and node monitors of one node. Monitors of local targets are kept here; a monitor of a
/// remote target is recorded here (outgoing) and registered on the target's node by a
/// <see cref="MonitorRequest"/>; the target's node answers with a <see cref="DownNotice"/>. When a
/// node goes down, every outgoing monitor to it fires with <c>noconnection</c>.
/// Control messages travel on the default channel keyed by the watcher, the same connection as the
/// messages sent to the watcher, so a <see cref="Down"/> never overtakes them.
/// </summary>
internal sealed class MonitorRegistry
{
    private readonly PartisanNode _node;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, List<Watch>> _byTarget = new();
    private readonly Dictionary<Ref, long> _targetByRef = new();
    private readonly Dictionary<Pid, HashSet<Ref>> _heldByLocalWatcher = new(); // monitors of local targets, by their local watcher
    private readonly Dictionary<Ref, Outgoing> _outgoing = new();
    private readonly Dictionary<Pid, Dictionary<NodeName, int>> _nodeWatchers = new();
    private readonly HashSet<Pid> _allNodesWatchers = new();

    public MonitorRegistry(PartisanNode node) => _node = node;

    /// <summary>Handles the monitor control messages that arrive from other nodes.</summary>
    public void RegisterControlMessages(Routing.ControlMessageRegistry registry)
    {
        registry.Register<MonitorRequest>((_, request) => HandleMonitorRequest(request));
        registry.Register<DemonitorRequest>((_, request) => HandleDemonitorRequest(request));
        registry.Register<DownNotice>((_, notice) => HandleDownNotice(notice));
    }

    private readonly record struct Watch(Ref MonitorRef, Pid Watcher, ProcessRef AsGiven);

    private readonly record struct Outgoing(Pid Watcher, ProcessRef Target);

    /// <summary>Monitors <paramref name="target"/> for <paramref name="watcher"/> (a local process).</summary>
    public Ref Monitor(Pid watcher, ProcessRef target)
    {
        Ref monitorRef = _node.MakeRef();
        if (target.Node == _node.Name)
        {
            if (!AddLocal(monitorRef, watcher, target))
            {
                _node.DeliverLocal(watcher, new Down(monitorRef, target, ExitReason.NoProc));
            }

            return monitorRef;
        }

        if (!_node.IsReachable(target.Node))
        {
            _node.DeliverLocal(watcher, new Down(monitorRef, target, ExitReason.NoConnection));
            return monitorRef;
        }

        lock (_gate)
        {
            _outgoing[monitorRef] = new Outgoing(watcher, target);
        }

        if (!_node.SendControl(target.Node, new MonitorRequest(monitorRef, watcher, target), watcher))
        {
            lock (_gate)
            {
                _outgoing.Remove(monitorRef);
            }

            _node.DeliverLocal(watcher, new Down(monitorRef, target, ExitReason.NoConnection));
        }

        return monitorRef;
    }

    private bool AddLocal(Ref monitorRef, Pid watcher, ProcessRef target)
    {
        if (!_node.TryResolveLocal(target, out Pid pid) || !_node.IsAlive(pid))
        {
            return false;
        }

        lock (_gate)
        {
            if (!_byTarget.TryGetValue(pid.Id, out List<Watch>? watches))
            {
                watches = new List<Watch>(1);
                _byTarget[pid.Id] = watches;
            }

            watches.Add(new Watch(monitorRef, watcher, target));
            _targetByRef[monitorRef] = pid.Id;
            if (watcher.Node == _node.Name)
            {
                if (!_heldByLocalWatcher.TryGetValue(watcher, out HashSet<Ref>? held))
                {
                    held = new HashSet<Ref>();
                    _heldByLocalWatcher[watcher] = held;
                }

                held.Add(monitorRef);
            }
        }

        // The target may have exited between the check and the registration: fire now if so.
        if (!_node.IsAlive(pid))
        {
            ProcessExited(pid, ExitReason.NoProc);
        }

        return true;
    }

    /// <summary>Removes a monitor; true if it was active.</summary>
    public bool Demonitor(Ref monitorRef)
    {
        Outgoing outgoing;
        lock (_gate)
        {
            if (RemoveLocal(monitorRef))
            {
                return true;
            }

            if (!_outgoing.Remove(monitorRef, out outgoing))
            {
                return false;
            }
        }

        _node.SendControl(outgoing.Target.Node, new DemonitorRequest(monitorRef, outgoing.Target), outgoing.Watcher);
        return true;
    }

    private bool RemoveLocal(Ref monitorRef)
    {
        if (!_targetByRef.Remove(monitorRef, out long targetId))
        {
            return false;
        }

        if (_byTarget.TryGetValue(targetId, out List<Watch>? watches))
        {
            for (int i = 0; i < watches.Count; i++)
            {
                if (watches[i].MonitorRef == monitorRef)
                {
                    ForgetHeld(watches[i]);
                    watches.RemoveAt(i);
                    break;
                }
            }

            if (watches.Count == 0)
            {
                _byTarget.Remove(targetId);
            }
        }

        return true;
    }

    // Under the gate: the watch no longer counts among what its local watcher holds.
    private void ForgetHeld(Watch watch)
    {
        if (watch.Watcher.Node == _node.Name && _heldByLocalWatcher.TryGetValue(watch.Watcher, out HashSet<Ref>? held))
        {
            held.Remove(watch.MonitorRef);
            if (held.Count == 0)
            {
                _heldByLocalWatcher.Remove(watch.Watcher);
            }
        }
    }

    /// <summary>A remote watcher asks to monitor a local target.</summary>
    public void HandleMonitorRequest(MonitorRequest request)
    {
        if (!AddLocal(request.MonitorRef, request.Watcher, request.Target))
        {
            _node.SendControl(request.Watcher.Node, new DownNotice(request.MonitorRef, request.Watcher, request.Target, ExitReason.NoProc), request.Watcher);
        }
    }

    /// <summary>A remote watcher cancels its monitor.</summary>
    public void HandleDemonitorRequest(DemonitorRequest request)
    {
        lock (_gate)
        {
            RemoveLocal(request.MonitorRef);
        }
    }

    /// <summary>A remote target went down.</summary>
    public void HandleDownNotice(DownNotice notice)
    {
        Outgoing outgoing;
        lock (_gate)
        {
            if (!_outgoing.Remove(notice.MonitorRef, out outgoing))
            {
                return; // demonitored meanwhile
            }
        }

        _node.DeliverLocal(outgoing.Watcher, new Down(notice.MonitorRef, outgoing.Target, notice.Reason));
    }

    /// <summary>A local process exited: fire its monitors and drop the ones it held.</summary>
    public void ProcessExited(Pid pid, ExitReason reason)
    {
        List<Watch>? watches;
        List<Ref>? held = null;
        lock (_gate)
        {
            if (_byTarget.Remove(pid.Id, out watches))
            {
                foreach (Watch watch in watches)
                {
                    _targetByRef.Remove(watch.MonitorRef);
                    ForgetHeld(watch);
                }
            }

            // Monitors it held on local targets go with it (as in Erlang: a monitor dies with the process that holds it),
            // or a long-lived target would keep a watch per short-lived watcher for ever.
            if (_heldByLocalWatcher.Remove(pid, out HashSet<Ref>? heldLocally))
            {
                foreach (Ref monitorRef in heldLocally)
                {
                    RemoveLocal(monitorRef);
                }
            }

            // Monitors the exiting process held on others are of no more use.
            foreach (KeyValuePair<Ref, Outgoing> pair in _outgoing)
            {
                if (pair.Value.Watcher == pid)
                {
                    (held ??= new List<Ref>()).Add(pair.Key);
                }
            }

            _nodeWatchers.Remove(pid);
            _allNodesWatchers.Remove(pid);
        }

        if (held is not null)
        {
            foreach (Ref monitorRef in held)
            {
                Demonitor(monitorRef);
            }
        }

        if (watches is null)
        {
            return;
        }

        foreach (Watch watch in watches)
        {
            if (watch.Watcher.Node == _node.Name)
            {
                _node.DeliverLocal(watch.Watcher, new Down(watch.MonitorRef, watch.AsGiven, reason));
            }
            else
            {
                _node.SendControl(watch.Watcher.Node, new DownNotice(watch.MonitorRef, watch.Watcher, watch.AsGiven, reason), watch.Watcher);
            }
        }
    }

    /// <summary>A node became reachable.</summary>
    public void NodeUp(NodeName node)
    {
        Pid[] watchers;
        lock (_gate)
        {
            watchers = _allNodesWatchers.ToArray();
        }

        foreach (Pid watcher in watchers)
        {
            _node.DeliverLocal(watcher, new NodeUp(node));
        }
    }

    /// <summary>A node became unreachable: outgoing monitors to it fire with <c>noconnection</c>.</summary>
    public void NodeDown(NodeName node, string reason)
    {
        var fired = new List<(Pid Watcher, Down Down)>();
        var nodeDown = new List<Pid>();
        lock (_gate)
        {
            List<Ref>? remove = null;
            foreach (KeyValuePair<Ref, Outgoing> pair in _outgoing)
            {
                if (pair.Value.Target.Node == node)
                {
                    (remove ??= new List<Ref>()).Add(pair.Key);
                    fired.Add((pair.Value.Watcher, new Down(pair.Key, pair.Value.Target, ExitReason.NoConnection)));
                }
            }

            if (remove is not null)
            {
                foreach (Ref monitorRef in remove)
                {
                    _outgoing.Remove(monitorRef);
                }
            }

            // Monitors held by processes of the lost node on local targets are dropped.
            List<Ref>? stale = null;
            foreach (KeyValuePair<long, List<Watch>> pair in _byTarget)
            {
                foreach (Watch watch in pair.Value)
                {
                    if (watch.Watcher.Node == node)
                    {
                        (stale ??= new List<Ref>()).Add(watch.MonitorRef);
                    }
                }
            }

            if (stale is not null)
            {
                foreach (Ref monitorRef in stale)
                {
                    RemoveLocal(monitorRef);
                }
            }

            foreach (KeyValuePair<Pid, Dictionary<NodeName, int>> pair in _nodeWatchers)
            {
                if (pair.Value.Remove(node, out int count))
                {
                    for (int i = 0; i < count; i++)
                    {
                        nodeDown.Add(pair.Key);
                    }
                }
            }

            nodeDown.AddRange(_allNodesWatchers);
        }

        foreach ((Pid watcher, Down down) in fired)
        {
            _node.DeliverLocal(watcher, down);
        }

        foreach (Pid watcher in nodeDown)
        {
            _node.DeliverLocal(watcher, new NodeDown(node, reason));
        }
    }

    /// <summary>Erlang's <c>monitor_node(Node, Flag)</c>: one <see cref="NodeDown"/> per enabled call.</summary>
    public void MonitorNode(Pid watcher, NodeName node, bool enable)
    {
        if (enable && !_node.IsReachable(node))
        {
            _node.DeliverLocal(watcher, new NodeDown(node, "noconnection"));
            return;
        }

        lock (_gate)
        {
            if (!_nodeWatchers.TryGetValue(watcher, out Dictionary<NodeName, int>? nodes))
            {
                if (!enable)
                {
                    return;
                }

                nodes = new Dictionary<NodeName, int>();
                _nodeWatchers[watcher] = nodes;
            }

            nodes.TryGetValue(node, out int count);
            count += enable ? 1 : -count;
            if (count <= 0)
            {
                nodes.Remove(node);
            }
            else
            {
                nodes[node] = count;
            }
        }
    }

    /// <summary>Erlang's <c>monitor_nodes(Flag)</c>: <see cref="NodeUp"/> and <see cref="NodeDown"/> for every node.</summary>
    public void MonitorNodes(Pid watcher, bool enable)
    {
        lock (_gate)
        {
            if (enable)
            {
                _allNodesWatchers.Add(watcher);
            }
            else
            {
                _allNodesWatchers.Remove(watcher);
            }
        }
    }

    /// <summary>Number of active monitors (local targets and outgoing), for tests and diagnostics.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _targetByRef.Count + _outgoing.Count;
            }
        }
    }
}
