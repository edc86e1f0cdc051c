using Partisan.Overlays;

namespace Partisan.Simulation;

/// <summary>
/// The runtime's <c>ConnectionManager</c>, one slot per peer: wanted and on-demand peers are dialed (the lower name
/// first, the higher after <see cref="SimulationOptions.ReconnectMinDelay"/>), a failed dial is retried with doubling
/// backoff and jitter while still needed and tells the overlay nothing, the acceptor's overlay admits each dial, one
/// link serves a pair, and the overlay hears <c>OnConnected</c> when the link opens and <c>OnDisconnected</c> when it closes.
/// </summary>
internal sealed partial class SimulatedNode
{
    private readonly Dictionary<NodeName, SimulatedPeer> _peers = new();
    private Queue<SimulatedPeer>? _backlog;
    private int _dialsInFlight;

    // Bumped whenever a peer is forgotten: a reconcile after that must run in full (a Want may re-add it).
    private long _tableVersion;

    /// <summary>The peers this node keeps, in the order it came to know them.</summary>
    public IEnumerable<SimulatedPeer> Peers => _peers.Values;

    /// <summary>True when <paramref name="link"/> is the link this node counts to <paramref name="peer"/>.</summary>
    public bool IsCurrentLink(NodeName peer, SimulatedLink link) => _peers.TryGetValue(peer, out SimulatedPeer? p) && ReferenceEquals(p.Link, link);

    /// <summary>The link this node counts to <paramref name="peer"/>, or null.</summary>
    public SimulatedLink? LinkTo(NodeName peer) => _peers.TryGetValue(peer, out SimulatedPeer? p) ? p.Link : null;

    // ---------------------------------------------------------------- what the overlay wants

    private SimulatedPeer Want(NodeSpec spec)
    {
        bool known = _peers.TryGetValue(spec.Name, out SimulatedPeer? peer);
        bool changed = false;
        if (peer is null)
        {
            peer = new SimulatedPeer(spec);
            _peers.Add(spec.Name, peer);
            changed = true;
        }
        else if (spec.Incarnation > peer.Spec.Incarnation)
        {
            NewIncarnation(peer, spec);
            changed = true;
        }

        if (!known && spec.Name < Name)
        {
            // Both ends of a new pair usually want each other at once; the lower name dials first (it wins the
            // tie-break), the higher waits ReconnectMinDelay, so a pair does one handshake, not two.
            peer.NextDialAt = _sim.NowTicks + _sim.Options.ReconnectMinDelay.Ticks;
        }

        if (!peer.Wanted)
        {
            peer.Wanted = true;
            changed = true;
        }

        if (changed)
        {
            EnsureDial(peer);
        }

        return peer;
    }

    private void Unwant(NodeName node, string reason)
    {
        if (_peers.TryGetValue(node, out SimulatedPeer? peer) && peer.Wanted)
        {
            Remove(peer, reason);
        }
    }

    private void OnDemand(NodeSpec spec)
    {
        SimulatedPeer peer = GetOrAdd(spec);
        if (!peer.Wanted)
        {
            peer.OnDemand = true;
            EnsureDial(peer);
        }
    }

    private SimulatedPeer GetOrAdd(NodeSpec spec)
    {
        if (!_peers.TryGetValue(spec.Name, out SimulatedPeer? peer))
        {
            peer = new SimulatedPeer(spec);
            _peers.Add(spec.Name, peer);
        }
        else if (spec.Incarnation > peer.Spec.Incarnation)
        {
            NewIncarnation(peer, spec);
        }

        return peer;
    }

    private void NewIncarnation(SimulatedPeer peer, NodeSpec spec)
    {
        peer.Spec = spec;
        peer.Backoff = 0;
        peer.NextDialAt = 0;
        if (peer.Link is { } link)
        {
            peer.Link = null;
            _sim.CloseGracefully(this, link, "peer_restarted");
            PeerDown(peer, "restarted");
        }
    }

    private void Forget(SimulatedPeer peer)
    {
        _peers.Remove(peer.Name);
        peer.Removed = true;
        _tableVersion++;
    }

    private void Remove(SimulatedPeer peer, string reason)
    {
        Forget(peer);
        peer.Wanted = false;
        if (peer.Link is { } link)
        {
            peer.Link = null;
            _sim.CloseGracefully(this, link, reason); // after what was sent on it
            PeerDown(peer, reason);
        }
        else
        {
            DropPending(peer, "closed");
        }
    }

    private void DisconnectAll(string reason)
    {
        var peers = new List<SimulatedPeer>(_peers.Values);
        foreach (SimulatedPeer peer in peers)
        {
            Remove(peer, reason);
        }
    }

    // ---------------------------------------------------------------- sending

    private bool SendOverlay(NodeName to, object message)
    {
        if (!_peers.TryGetValue(to, out SimulatedPeer? peer))
        {
            return false;
        }

        _sim.CountSent(this, message);
        if (peer.Link is { } link)
        {
            _sim.Transmit(this, link, message);
            return true;
        }

        // Queued for the link being dialed; a snapshot replaces an older one of its type still queued.
        List<object> pending = peer.Pending ??= new List<object>();
        if (message is IOverlaySnapshot)
        {
            for (int i = 0; i < pending.Count; i++)
            {
                if (pending[i].GetType() == message.GetType())
                {
                    _sim.CountDropped(this, pending[i], "replaced");
                    pending.RemoveAt(i);
                    break;
                }
            }
        }

        pending.Add(message);
        return true;
    }

    private void Flush(SimulatedPeer peer, SimulatedLink link)
    {
        if (peer.Pending is { Count: > 0 } pending)
        {
            peer.Pending = null;
            foreach (object message in pending)
            {
                _sim.Transmit(this, link, message);
            }
        }
    }

    private void DropPending(SimulatedPeer peer, string reason)
    {
        if (peer.Pending is { Count: > 0 } pending)
        {
            peer.Pending = null;
            foreach (object message in pending)
            {
                _sim.CountDropped(this, message, reason);
            }
        }
    }

    // ---------------------------------------------------------------- dialing

    private void EnsureDial(SimulatedPeer peer)
    {
        if (!Alive || peer.Removed || (!peer.Wanted && !peer.OnDemand) || peer.Connected || peer.Dialing)
        {
            return;
        }

        long now = _sim.NowTicks;
        if (now >= peer.NextDialAt)
        {
            if (_dialsInFlight >= _sim.Options.MaxDialsInFlight)
            {
                if (!peer.Backlogged)
                {
                    peer.Backlogged = true;
                    (_backlog ??= new Queue<SimulatedPeer>()).Enqueue(peer);
                }

                return;
            }

            _dialsInFlight++;
            peer.DialLink = _sim.Dial(this, peer);
        }
        else if (peer.RedialAt == long.MaxValue || peer.RedialAt > peer.NextDialAt || peer.RedialAt < now)
        {
            peer.RedialAt = peer.NextDialAt;
            _sim.Schedule(peer.NextDialAt, new SimEvent(SimEventKind.Redial, this, Peer: peer, Epoch: Epoch));
        }
    }

    public void OnRedialDue(SimulatedPeer peer)
    {
        if (peer.RedialAt <= _sim.NowTicks)
        {
            peer.RedialAt = long.MaxValue;
        }

        EnsureDial(peer);
    }

    // A dial finished either way: dial the peers that waited for room.
    private void DialFinished()
    {
        _dialsInFlight--;
        while (_backlog is { Count: > 0 } backlog && _dialsInFlight < _sim.Options.MaxDialsInFlight)
        {
            SimulatedPeer next = backlog.Dequeue();
            next.Backlogged = false;
            EnsureDial(next);
        }
    }

    /// <summary>The dial of <paramref name="peer"/> failed (refused, unreachable, timed out): back off, or give up on an unneeded peer.</summary>
    public void OnDialFailed(SimulatedPeer peer, SimulatedLink? link, bool duplicate)
    {
        if (!ReferenceEquals(peer.DialLink, link))
        {
            return;
        }

        peer.DialLink = null;
        _sim.Counters.DialsFailed++;
        if (!peer.Removed)
        {
            long now = _sim.NowTicks;
            if (duplicate)
            {
                // The peer's own link serves the pair; look again later in case it is lost.
                peer.NextDialAt = now + _sim.Options.DuplicateRetryDelay.Ticks;
                EnsureDial(peer);
            }
            else
            {
                long min = _sim.Options.ReconnectMinDelay.Ticks;
                peer.Backoff = peer.Backoff == 0 ? min : Math.Min(peer.Backoff * 2, _sim.Options.ReconnectMaxDelay.Ticks);
                peer.NextDialAt = now + (long)(peer.Backoff * (0.5 + (_sim.NextJitter() * 0.5)));
                if (peer.OnDemand && !peer.Wanted && !peer.Connected)
                {
                    // Nobody keeps this peer: what was queued for it cannot go anywhere.
                    peer.OnDemand = false;
                    DropPending(peer, "unreachable");
                    Forget(peer);
                }
                else
                {
                    EnsureDial(peer);
                }
            }
        }

        DialFinished();
    }

    /// <summary>
    /// A dial of <paramref name="initiator"/> reached this node: admit it or refuse it (the overlay's admission, the
    /// tie-break, an older incarnation). Returns null when accepted (the link is then up here and the welcome sent),
    /// else why not; <paramref name="duplicate"/> tells a refusal because this node's own link serves the pair.
    /// </summary>
    public string? DecideInbound(SimulatedNode initiator, SimulatedLink link, out bool duplicate)
    {
        duplicate = false;
        NodeSpec spec = initiator.Spec;
        string? refusal;
        try
        {
            refusal = Overlay.Admit(spec, ChannelOptions.MembershipName).Refusal;
        }
        catch (Exception ex)
        {
            _sim.OverlayFailed(this, "admission", ex);
            refusal = "the overlay failed deciding admission";
        }

        if (refusal is not null)
        {
            return refusal;
        }

        bool restarted = false;
        if (!_peers.TryGetValue(spec.Name, out SimulatedPeer? peer))
        {
            peer = new SimulatedPeer(spec);
            _peers.Add(spec.Name, peer);
        }
        else if (spec.Incarnation < peer.Spec.Incarnation)
        {
            return "an older incarnation of that node has been replaced";
        }
        else if (spec.Incarnation > peer.Spec.Incarnation)
        {
            NewIncarnation(peer, spec);
            restarted = true;
            if (peer.Removed)
            {
                // The overlay dropped it on hearing the old run went down: a new entry for the new run.
                peer = new SimulatedPeer(spec);
                _peers[spec.Name] = peer;
                _tableVersion++;
            }
        }

        SimulatedLink? replaced = null;
        if (peer.Link is { } existing)
        {
            if (ReferenceEquals(existing.Initiator, this) && Name < spec.Name)
            {
                duplicate = true;
                return "a connection opened by the lower-named node already serves this pair";
            }

            replaced = existing; // the node does not blink down and up
        }
        else if (peer.Dialing && Name < spec.Name && !restarted)
        {
            duplicate = true;
            return "this node is dialing the same pair and has the lower name";
        }

        if (replaced is not null)
        {
            _sim.Kill(replaced);
        }

        link.AcceptorEpoch = Epoch;
        link.AcceptorSpec = Spec;
        _sim.Register(link);
        peer.Link = link;
        peer.Backoff = 0;
        _sim.Send(this, link, WelcomeMarker.Instance);
        Flush(peer, link);
        if (replaced is null)
        {
            PeerUp(peer);
        }

        return null;
    }

    /// <summary>The acceptor's welcome arrived: the link this node dialed is up here too.</summary>
    public void OnWelcome(SimulatedLink link)
    {
        SimulatedPeer peer = link.InitiatorPeer;
        if (!ReferenceEquals(peer.DialLink, link))
        {
            // Already given up on (a crash reset reported first): the acceptor sees it close.
            _sim.CloseGracefully(this, link, "superseded");
            return;
        }

        peer.DialLink = null;
        if (peer.Removed)
        {
            // Unwanted, disconnected or reset meanwhile: the runtime disposes the connection; the acceptor sees it close.
            _sim.CloseGracefully(this, link, "superseded");
            DialFinished();
            return;
        }

        NodeSpec spec = link.AcceptorSpec ?? link.Acceptor.Spec;
        if (spec.Incarnation > peer.Spec.Incarnation)
        {
            NewIncarnation(peer, spec);
            if (peer.Removed)
            {
                _sim.CloseGracefully(this, link, "superseded");
                DialFinished();
                return;
            }
        }

        bool wasConnected = peer.Connected;
        if (peer.Link is { } existing)
        {
            // Keep the link opened by the node with the lower name; between two of this node's dials, the newer.
            if (Name < existing.Initiator.Name || ReferenceEquals(existing.Initiator, this))
            {
                _sim.Kill(existing);
            }
            else
            {
                _sim.CloseGracefully(this, link, "duplicate");
                DialFinished();
                return;
            }
        }

        peer.Link = link;
        peer.Backoff = 0;
        _sim.Counters.LinksOpened++;
        Flush(peer, link);
        if (!wasConnected)
        {
            PeerUp(peer);
        }

        DialFinished();
    }

    /// <summary>The peer closed <paramref name="link"/> (its close arrived after what it sent before).</summary>
    public void OnRemoteClose(SimulatedLink link, string reason)
    {
        _sim.Kill(link);
        SimulatedNode other = link.Other(this);
        if (_peers.TryGetValue(other.Name, out SimulatedPeer? peer) && ReferenceEquals(peer.Link, link))
        {
            Closed(peer, "closed: " + reason);
        }
    }

    /// <summary><paramref name="link"/> is gone (a crash reset, a keep-alive timeout across a partition).</summary>
    public void OnLinkLost(SimulatedLink link, string reason)
    {
        if (ReferenceEquals(link.Initiator, this) && ReferenceEquals(link.InitiatorPeer.DialLink, link))
        {
            OnDialFailed(link.InitiatorPeer, link, duplicate: false);
            return;
        }

        SimulatedNode other = link.Other(this);
        if (!_peers.TryGetValue(other.Name, out SimulatedPeer? peer))
        {
            return;
        }

        if (ReferenceEquals(peer.Link, link))
        {
            Closed(peer, reason);
        }
    }

    // The runtime's ConnectionManager.Closed: the peer is down; forget it if nobody keeps it, else redial it soon.
    private void Closed(SimulatedPeer peer, string reason)
    {
        peer.Link = null;
        PeerDown(peer, reason);
        if (peer.Removed)
        {
            return;
        }

        if (!peer.Wanted && peer.Pending is not { Count: > 0 })
        {
            Forget(peer);
            return;
        }

        if (peer.Wanted || peer.OnDemand)
        {
            peer.NextDialAt = _sim.NowTicks + _sim.Options.ReconnectMinDelay.Ticks;
            EnsureDial(peer);
        }
    }

    // ---------------------------------------------------------------- up / down, to the overlay after the current call

    private void PeerUp(SimulatedPeer peer)
    {
        _pending.Enqueue(new PendingEvent(peer.Spec, peer.Name, null));
        if (_depth == 0)
        {
            Settle();
        }
    }

    private void PeerDown(SimulatedPeer peer, string reason)
    {
        DropPending(peer, "node_down");
        _pending.Enqueue(new PendingEvent(null, peer.Name, reason));
        if (_depth == 0)
        {
            Settle();
        }
    }
}
