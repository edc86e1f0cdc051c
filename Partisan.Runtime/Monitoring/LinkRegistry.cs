using Partisan.Processes;

namespace Partisan.Monitoring;

/// <summary>
/// The links of one node's processes (Erlang's <c>link/1</c>): a set of linked pids per local process, kept on both
/// ends, so either end's exit sends an exit signal to the other. A link to a remote process is recorded here and on
/// the remote node (<see cref="LinkRequest"/>); the remote end's exit arrives as an <see cref="ExitSignalFrom"/>, and
/// the loss of its node as a <c>noconnection</c> signal. A process with no links costs nothing: sends never look here,
/// and its exit finds no entry.
/// Signals travel on the default channel keyed by their receiver, like the messages sent to it, so a signal never
/// overtakes a message its sender sent before exiting.
/// </summary>
internal sealed class LinkRegistry
{
    private readonly PartisanNode _node;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, HashSet<Pid>> _links = new();

    public LinkRegistry(PartisanNode node) => _node = node;

    /// <summary>Handles the link control messages that arrive from other nodes.</summary>
    public void RegisterControlMessages(Routing.ControlMessageRegistry registry)
    {
        registry.Register<LinkRequest>((_, request) => HandleLinkRequest(request));
        registry.Register<UnlinkRequest>((_, request) => HandleUnlinkRequest(request));
        registry.Register<ExitSignalFrom>((_, signal) => HandleExitSignal(signal));
    }

    /// <summary>
    /// Links the local process <paramref name="self"/> with <paramref name="other"/>. If <paramref name="other"/> does not
    /// exist, <paramref name="self"/> gets a <c>noproc</c> exit signal at once (<c>noconnection</c> if its node is unreachable).
    /// </summary>
    public void Link(Pid self, Pid other)
    {
        if (self == other)
        {
            return; // Erlang: linking to oneself does nothing
        }

        if (other.Node == _node.Name)
        {
            LinkLocal(self, other);
            return;
        }

        if (!_node.IsReachable(other.Node))
        {
            Signal(other, self, ExitReason.NoConnection, linked: false);
            return;
        }

        lock (_gate)
        {
            if (!_node.IsAlive(self))
            {
                return;
            }

            Add(self, other);
        }

        if (!_node.SendSignal(other.Node, new LinkRequest(self, other), other))
        {
            Signal(other, self, ExitReason.NoConnection, linked: true);
        }
    }

    private void LinkLocal(Pid self, Pid other)
    {
        lock (_gate)
        {
            if (!_node.IsAlive(self))
            {
                return;
            }

            if (_node.IsAlive(other))
            {
                Add(self, other);
                Add(other, self);
                return;
            }
        }

        Signal(other, self, ExitReason.NoProc, linked: false);
    }

    /// <summary>Removes the link between the local process <paramref name="self"/> and <paramref name="other"/>, on both ends.</summary>
    public void Unlink(Pid self, Pid other)
    {
        lock (_gate)
        {
            Remove(self, other);
            if (other.Node == _node.Name)
            {
                Remove(other, self);
                return;
            }
        }

        _node.SendSignal(other.Node, new UnlinkRequest(self, other), other);
    }

    /// <summary>
    /// Erlang's <c>exit(Target, Reason)</c> sent by <paramref name="from"/>: to a local target it is applied here, to a remote
    /// one it travels as an <see cref="ExitSignalFrom"/>.
    /// </summary>
    public void SendExit(Pid from, ProcessRef target, ExitReason reason)
    {
        if (target.Node != _node.Name)
        {
            _node.SendSignal(target.Node, new ExitSignalFrom(from, target, reason, Linked: false), target);
            return;
        }

        if (_node.TryResolveLocal(target, out Pid pid))
        {
            Signal(from, pid, reason, linked: false);
        }
    }

    /// <summary>The pids linked with the local process <paramref name="pid"/> (empty if none).</summary>
    public Pid[] LinksOf(Pid pid)
    {
        lock (_gate)
        {
            return _links.TryGetValue(pid.Id, out HashSet<Pid>? linked) ? [.. linked] : [];
        }
    }

    /// <summary>A local process exited: every linked process gets an exit signal with its reason.</summary>
    public void ProcessExited(Pid pid, ExitReason reason)
    {
        HashSet<Pid>? linked;
        lock (_gate)
        {
            if (!_links.Remove(pid.Id, out linked))
            {
                return;
            }
        }

        foreach (Pid other in linked)
        {
            if (other.Node == _node.Name)
            {
                SignalLinked(pid, other, reason);
            }
            else
            {
                _node.SendSignal(other.Node, new ExitSignalFrom(pid, other, reason, Linked: true), other);
            }
        }
    }

    // A local exit signal that ends its receiver runs the receiver's exit, which signals its own links: a chain of linked
    // processes would recurse once per process. Past this depth the rest of the chain continues on the thread pool.
    private const int MaxSignalDepth = 32;

    [ThreadStatic]
    private static int _signalDepth;

    private void SignalLinked(Pid from, Pid to, ExitReason reason)
    {
        if (_signalDepth >= MaxSignalDepth)
        {
            ThreadPool.UnsafeQueueUserWorkItem(state => state.Registry.Signal(state.From, state.To, state.Reason, linked: true), (Registry: this, From: from, To: to, Reason: reason), preferLocal: false);
            return;
        }

        _signalDepth++;
        try
        {
            Signal(from, to, reason, linked: true);
        }
        finally
        {
            _signalDepth--;
        }
    }

    /// <summary>A node became unreachable: every local process linked to one of its processes gets <c>noconnection</c>.</summary>
    public void NodeDown(NodeName node)
    {
        List<(Pid Local, Pid Remote)>? lost = null;
        lock (_gate)
        {
            foreach (KeyValuePair<long, HashSet<Pid>> pair in _links)
            {
                foreach (Pid other in pair.Value)
                {
                    if (other.Node == node)
                    {
                        (lost ??= new List<(Pid, Pid)>()).Add((new Pid(_node.Name, pair.Key), other));
                    }
                }
            }
        }

        if (lost is null)
        {
            return;
        }

        foreach ((Pid local, Pid remote) in lost)
        {
            Signal(remote, local, ExitReason.NoConnection, linked: true);
        }
    }

    private void HandleLinkRequest(LinkRequest request)
    {
        lock (_gate)
        {
            if (request.To.Node == _node.Name && _node.IsAlive(request.To))
            {
                Add(request.To, request.From);
                return;
            }
        }

        _node.SendSignal(request.From.Node, new ExitSignalFrom(request.To, request.From, ExitReason.NoProc, Linked: true), request.From);
    }

    private void HandleUnlinkRequest(UnlinkRequest request)
    {
        lock (_gate)
        {
            Remove(request.To, request.From);
        }
    }

    private void HandleExitSignal(ExitSignalFrom signal)
    {
        if (_node.TryResolveLocal(signal.Target, out Pid target))
        {
            Signal(signal.From, target, signal.Reason, signal.Linked);
        }
    }

    /// <summary>
    /// Applies an exit signal to the local process <paramref name="to"/>, as Erlang's receiver does: a link signal whose
    /// link is gone (unlinked meanwhile) is ignored; <c>kill</c> sent with <c>exit/2</c> kills; a trapping process gets an
    /// <see cref="Exit"/> message; <c>normal</c> is ignored (unless a process sent it to itself); any other reason ends
    /// the process with that reason. A signal for an unknown pid is dropped.
    /// </summary>
    private void Signal(Pid from, Pid to, ExitReason reason, bool linked)
    {
        if (!_node.TryGetLocalProcess(to, out LocalProcess? process))
        {
            return;
        }

        if (linked)
        {
            lock (_gate)
            {
                if (!Remove(to, from))
                {
                    return;
                }
            }
        }

        if (!linked && reason.Kind == ExitReason.Kill.Kind)
        {
            _node.TerminateLocal(process, ExitReason.Killed);
        }
        else if (process.TrapExit)
        {
            process.Post(new Exit(from, reason));
        }
        else if (reason.Kind == ExitReason.Normal.Kind)
        {
            if (!linked && from == to)
            {
                _node.TerminateLocal(process, reason);
            }
        }
        else
        {
            _node.TerminateLocal(process, reason);
        }
    }

    private void Add(Pid local, Pid other)
    {
        if (!_links.TryGetValue(local.Id, out HashSet<Pid>? linked))
        {
            linked = new HashSet<Pid>();
            _links[local.Id] = linked;
        }

        linked.Add(other);
    }

    private bool Remove(Pid local, Pid other)
    {
        if (!_links.TryGetValue(local.Id, out HashSet<Pid>? linked) || !linked.Remove(other))
        {
            return false;
        }

        if (linked.Count == 0)
        {
            _links.Remove(local.Id);
        }

        return true;
    }

    /// <summary>Local processes with at least one link, for tests and diagnostics.</summary>
    public int LinkedProcessCount
    {
        get
        {
            lock (_gate)
            {
                return _links.Count;
            }
        }
    }
}
