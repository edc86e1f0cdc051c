using Partisan.Diagnostics;
using Partisan.Transport;

namespace Partisan.Connections;

/// <summary>Accepting: inbound handshakes, admission by the overlay, the tie-break, replacement, and closed connections.</summary>
internal sealed partial class ConnectionManager
{
    private async Task OnAcceptedAsync(ITransportConnection transport)
    {
        PeerConnection? reserved = null;
        try
        {
            await Handshake.AcceptAsync(
                transport,
                _handshake,
                ValidateInbound,
                async request =>
                {
                    (PeerConnection? connection, (HandshakeFailure, string)? refusal) = await _loop.InvokeUrgentAsync(() => DecideInbound(request, transport)).ConfigureAwait(false);
                    reserved = connection;
                    return refusal;
                },
                _stopping.Token).ConfigureAwait(false);
            PeerConnection accepted = reserved!;
            _loop.Post(() => InboundEstablished(accepted));
        }
        catch (Exception ex)
        {
            if (ex is HandshakeException handshake)
            {
                if (handshake.Reason is not HandshakeFailure.Duplicate and not HandshakeFailure.ShuttingDown)
                {
                    Log.HandshakeFailed(_logger, transport.RemoteEndPoint, handshake.Message);
                }
            }

            PeerConnection? abandoned = reserved;
            if (abandoned is not null)
            {
                _loop.Post(() => Abandon(abandoned));
            }

            await DisposeQuietlyAsync(transport).ConfigureAwait(false);
        }
    }

    private (HandshakeFailure, string)? ValidateInbound(NodeName initiator, string channel, int index)
    {
        if (initiator == Self)
        {
            return (HandshakeFailure.BadPeerName, "a node cannot connect to itself (same node name)");
        }

        if (!_channelByName.TryGetValue(channel, out ChannelOptions? options))
        {
            return (HandshakeFailure.UnknownChannel, $"channel '{channel}' is not configured on {Self}");
        }

        if (index < 0 || index >= options.Parallelism)
        {
            return (HandshakeFailure.UnknownChannel, $"connection index {index} is out of range for channel '{channel}' (parallelism {options.Parallelism})");
        }

        return null;
    }

    private (PeerConnection?, (HandshakeFailure, string)?) DecideInbound(InboundRequest request, ITransportConnection transport)
    {
        if (_stopped)
        {
            return (null, (HandshakeFailure.ShuttingDown, "the node is stopping"));
        }

        NodeSpec initiator = request.Initiator;
        if (Faults?.IsPartitioned(initiator.Name) == true)
        {
            return (null, (HandshakeFailure.RefusedByOverlay, "partitioned by fault injection"));
        }

        if (_events.Admit(initiator, request.Channel) is { } refusal)
        {
            return (null, (HandshakeFailure.RefusedByOverlay, refusal));
        }

        if (!_peers.TryGetValue(initiator.Name, out PeerConnectionSet? set))
        {
            set = new PeerConnectionSet(initiator, wanted: false, _channels, _options.MaxPendingBytesPerConnection, _options.BackPressureBytesPerConnection);
            _peers[initiator.Name] = set;
            Publish();
        }
        else if (initiator.Incarnation < set.Spec.Incarnation)
        {
            return (null, (HandshakeFailure.BadPeerName, "an older incarnation of that node has been replaced"));
        }

        bool restarted = false;
        if (initiator.Incarnation > set.Spec.Incarnation)
        {
            NewIncarnation(set, initiator);
            restarted = true;
        }

        ConnectionSlot slot = set.Channels[request.Channel].Slots[request.Index];
        PeerConnection? replaced = null;
        if (slot.Current is { IsClosed: false } existing)
        {
            if (existing.IsOutbound && Self < initiator.Name)
            {
                existing.Ping(); // if the peer really lost it, writing reveals that quickly
                return (null, (HandshakeFailure.Duplicate, "a connection opened by the lower-named node already serves this slot"));
            }

            replaced = existing; // retired once the new one is counted, so the node does not blink down and up
        }
        else if (slot.Dialing && Self < initiator.Name && !restarted)
        {
            // (A dial still running when the peer restarted goes to the old run's address; its result is discarded
            // by generation, so it must not turn the new run away: that failed the new run's join.)
            return (null, (HandshakeFailure.Duplicate, "this node is dialing the same slot and has the lower name"));
        }

        var connection = new PeerConnection(transport, initiator, slot, outbound: false, this, _inbound, _codec, _metrics, _logger, _time, _options.KeepAlive, _options.MaxFrameSize, Self, request.Version, request.Keys, _options.EffectiveFragmentSize) { Faults = Faults };
        slot.Current = connection; // reserved until the welcome is sent
        if (replaced is not null)
        {
            _replacing[connection] = replaced;
        }

        return (connection, null);
    }

    private void InboundEstablished(PeerConnection connection)
    {
        ConnectionSlot slot = connection.Slot;
        _replacing.Remove(connection, out PeerConnection? replaced);
        if (_stopped || !_peers.TryGetValue(connection.Peer.Name, out PeerConnectionSet? set) || set.Removed ||
            (!ReferenceEquals(slot.Current, connection) && !IsAwaitingItsSuccessor(connection, slot)))
        {
            connection.Close("superseded");
            connection.Start();
            return;
        }

        slot.Backoff = TimeSpan.Zero;
        _generations[connection] = set.Generation;
        set.Connected++;
        set.ProtocolVersion = connection.ProtocolVersion;
        Log.ConnectionUp(_logger, connection.Peer.Name, slot.Channel.Name, slot.Index, "inbound");
        if (set.Connected == 1)
        {
            PeerUp(set);
        }

        StartAfter(connection, slot, replaced is { IsClosed: false } ? replaced : null);
        ConnectionEstablished?.Invoke(set.Name);
    }

    // The peer was welcomed on this connection, then dialed the slot again, and the newer handshake was decided (on the
    // urgent lane) before this one was established. The peer may already have written on this one: it must run, and
    // the newer one retires it (reading until the peer's goodbye), or those messages are lost.
    private bool IsAwaitingItsSuccessor(PeerConnection connection, ConnectionSlot slot) =>
        slot.Current is { } newer && _replacing.TryGetValue(newer, out PeerConnection? predecessor) && ReferenceEquals(predecessor, connection);

    private void Abandon(PeerConnection connection)
    {
        _replacing.Remove(connection, out PeerConnection? replaced);
        if (ReferenceEquals(connection.Slot.Current, connection))
        {
            connection.Slot.Current = replaced is { IsClosed: false } ? replaced : null;
        }
    }

    void IConnectionOwner.ConnectionClosed(PeerConnection connection, string reason) => _loop.Post(() => Closed(connection, reason));

    private void Closed(PeerConnection connection, string reason)
    {
        ConnectionSlot slot = connection.Slot;
        if (ReferenceEquals(slot.Current, connection))
        {
            slot.Current = null;
        }

        if (ReferenceEquals(slot.Previous, connection))
        {
            slot.Previous = null;
        }

        Log.ConnectionDown(_logger, connection.Peer.Name, slot.Channel.Name, slot.Index, reason);
        if (!_generations.Remove(connection, out int generation))
        {
            return; // never counted (superseded before start)
        }

        if (!_peers.TryGetValue(connection.Peer.Name, out PeerConnectionSet? set) || set.Removed || set.Generation != generation)
        {
            return;
        }

        set.Connected--;
        if (set.Connected == 0)
        {
            PeerDown(set, reason);

            // Forget a peer nobody keeps once nothing of it is left; a connection reserved meanwhile (the peer
            // reconnecting at once) keeps it, or its welcome would be closed as superseded.
            if (!set.Wanted && set.IsIdle())
            {
                Remove(set, reason);
                Publish();
                return;
            }
        }

        if ((set.Wanted || set.OnDemand) && !_stopped && slot.Current is null)
        {
            slot.NextDialAt = _time.GetTimestamp() + ToTicks(_options.ReconnectMinDelay);
            EnsureConnections(set); // this peer only: a close is one of n² events while a cluster forms
        }
    }
}
