using Partisan.Diagnostics;
using Partisan.Transport;

namespace Partisan.Connections;

/// <summary>Dialing: outbound connections to wanted peers, backoff with jitter, and redials at the time they are due.</summary>
internal sealed partial class ConnectionManager
{
    /// <summary>Dials every empty slot of wanted (and on-demand) peers whose backoff has passed; arms a timer for the next one due.</summary>
    private void EnsureConnections()
    {
        if (_stopped)
        {
            return;
        }

        long now = _time.GetTimestamp();
        long next = long.MaxValue;
        foreach (PeerConnectionSet set in _peers.Values)
        {
            next = Math.Min(next, DialDue(set, now));
        }

        ScheduleRedial(next);
    }

    /// <summary>Dials the empty slots of <paramref name="set"/> alone (a peer just wanted or needed). Loop only.</summary>
    private void EnsureConnections(PeerConnectionSet set)
    {
        if (!_stopped)
        {
            ScheduleRedial(DialDue(set, _time.GetTimestamp()));
        }
    }

    // Dials the slots of a wanted or on-demand set whose backoff has passed; returns when the next one is due.
    private long DialDue(PeerConnectionSet set, long now)
    {
        long next = long.MaxValue;
        if (!set.Wanted && !set.OnDemand)
        {
            return next;
        }

        foreach (ConnectionSlot slot in set.AllSlots)
        {
            if (slot.Current is not null || slot.Dialing)
            {
                continue;
            }

            if (now >= slot.NextDialAt)
            {
                if (_dialsInFlight >= MaxDialsInFlight)
                {
                    _dialBacklog = true; // dialed when one in flight finishes
                    continue;
                }

                slot.Dialing = true;
                _dialsInFlight++;
                _ = DialAsync(set, slot);
            }
            else if (slot.NextDialAt < next)
            {
                next = slot.NextDialAt;
            }
        }

        return next;
    }

    /// <summary>Arms the redial timer for <paramref name="at"/> unless one is armed for earlier (so a redial waits for its own delay, not the next gossip tick).</summary>
    private void ScheduleRedial(long at)
    {
        if (at == long.MaxValue || (_redial is not null && _redialAt <= at && _redialAt > _time.GetTimestamp()))
        {
            return;
        }

        _redialAt = at;
        TimeSpan due = _time.GetElapsedTime(_time.GetTimestamp(), at);
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        _redial?.Dispose();
        _redial = _time.CreateTimer(
            static s =>
            {
                var self = (ConnectionManager)s!;
                self._loop.Post(() =>
                {
                    self._redialAt = long.MaxValue;
                    self.EnsureConnections();
                });
            },
            this,
            due,
            Timeout.InfiniteTimeSpan);
    }

    private async Task DialAsync(PeerConnectionSet set, ConnectionSlot slot)
    {
        NodeSpec spec = set.Spec;
        if (spec.ListenAddresses.Count == 0)
        {
            _loop.Post(() => DialFinished(() => DialFailed(set, slot, new PartisanException("The peer has no listen address."))));
            return;
        }

        ListenAddress address = spec.ListenAddresses[set.AddressIndex % spec.ListenAddresses.Count];
        ITransportConnection? connection = null;
        try
        {
            using (var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connectTimeout.Token, _stopping.Token))
            {
                connection = await _transport.ConnectAsync(address, linked.Token).ConfigureAwait(false);
            }

            HandshakeResult result = await Handshake.InitiateAsync(connection, _handshake, slot.Channel.Name, slot.Index, spec.Name, _stopping.Token).ConfigureAwait(false);
            ITransportConnection established = connection;
            _loop.Post(() => DialFinished(() => OutboundEstablished(set, slot, established, result)));
        }
        catch (Exception ex)
        {
            // Report the failure before disposing: disposing an aborted connection can throw, and a failure that is
            // never reported leaves the slot "dialing" for good (the channel would never come back).
            _loop.Post(() => DialFinished(() => DialFailed(set, slot, ex)));
            await DisposeQuietlyAsync(connection).ConfigureAwait(false);
        }
    }

    // Dials in flight at once, per node. A cluster forming makes every node want every other at the same moment: with
    // no bound, 64 nodes start 8,000 handshakes together, the thread pool's queue grows long enough for handshakes to
    // time out (5 s), and each timeout is a connection lost and a node reported down. Bounded, they complete in turn.
    private const int MaxDialsInFlight = 16;
    private int _dialsInFlight;
    private bool _dialBacklog;

    // On the loop, when a dial ends either way: its outcome, then the dials that waited for room.
    private void DialFinished(Action outcome)
    {
        _dialsInFlight--;
        outcome();
        if (_dialBacklog && _dialsInFlight < MaxDialsInFlight)
        {
            _dialBacklog = false;
            EnsureConnections();
        }
    }

    private async Task DisposeQuietlyAsync(ITransportConnection? connection)
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            connection.Abort();
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DisposeFailed(_logger, connection.RemoteEndPoint, ex.Message);
        }
    }

    private void DialFailed(PeerConnectionSet set, ConnectionSlot slot, Exception error)
    {
        slot.Dialing = false;
        if (_stopped || set.Removed)
        {
            return;
        }

        if (error is HandshakeException { Reason: HandshakeFailure.Duplicate })
        {
            // The peer's own connection serves the slot; look again later in case it is lost.
            slot.NextDialAt = _time.GetTimestamp() + ToTicks(_options.GossipInterval);
            ScheduleRedial(slot.NextDialAt);
            return;
        }

        set.AddressIndex++;
        TimeSpan backoff = slot.Backoff == TimeSpan.Zero ? _options.ReconnectMinDelay : TimeSpan.FromTicks(Math.Min(slot.Backoff.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
        slot.Backoff = backoff;
        double jitter = 0.5 + (_jitter.NextDouble() * 0.5);
        slot.NextDialAt = _time.GetTimestamp() + ToTicks(backoff * jitter);
        string where = set.Spec.ListenAddresses.Count > 0 ? set.Spec.ListenAddresses[0].ToString() : set.Name.Value;
        if (error is HandshakeException handshake && handshake.Reason is HandshakeFailure.AuthenticationFailed or HandshakeFailure.VersionMismatch or HandshakeFailure.ProtectionMismatch or HandshakeFailure.BadPeerName or HandshakeFailure.RefusedByOverlay)
        {
            Log.HandshakeFailed(_logger, where, handshake.Message);
        }
        else
        {
            Log.DialFailed(_logger, set.Name, where, slot.Channel.Name, slot.Index, error.Message);
        }

        if (set.OnDemand && !set.Wanted && set.Connected == 0)
        {
            // Nobody keeps this peer: what was queued for it cannot go anywhere.
            set.OnDemand = false;
            int dropped = 0;
            foreach (ConnectionSlot s in set.AllSlots)
            {
                dropped += s.Current is null ? s.Queue.Clear() : 0;
            }

            for (int i = 0; i < dropped; i++)
            {
                _metrics.Dropped("unreachable");
            }

            return;
        }

        ScheduleRedial(slot.NextDialAt);
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private void OutboundEstablished(PeerConnectionSet set, ConnectionSlot slot, ITransportConnection connection, HandshakeResult result)
    {
        NodeSpec peer = result.Peer;
        slot.Dialing = false;
        if (_stopped || set.Removed || !ReferenceEquals(_peers.GetValueOrDefault(set.Name), set) || peer.Incarnation < set.Spec.Incarnation ||
            Faults?.IsPartitioned(peer.Name) == true)
        {
            _ = DisposeQuietlyAsync(connection);
            return;
        }

        if (peer.Incarnation > set.Spec.Incarnation)
        {
            NewIncarnation(set, peer);
        }

        PeerConnection? replaced = null;
        if (slot.Current is { IsClosed: false } existing)
        {
            // Keep the connection opened by the node with the lower name; between two of our own dials, the newer
            // (the peer accepted it, so it has replaced the older on its side too).
            if (Self < existing.Initiator || existing.Initiator == Self)
            {
                replaced = existing;
            }
            else
            {
                _ = DisposeQuietlyAsync(connection);
                return;
            }
        }

        Register(set, slot, connection, result, replaced);
    }

    /// <summary>Counts a new outbound connection for <paramref name="slot"/> and starts it (after the one it replaces).</summary>
    private void Register(PeerConnectionSet set, ConnectionSlot slot, ITransportConnection transport, HandshakeResult handshake, PeerConnection? replaced)
    {
        NodeSpec peer = handshake.Peer;
        var connection = new PeerConnection(transport, peer, slot, outbound: true, this, _inbound, _codec, _metrics, _logger, _time, _options.KeepAlive, _options.MaxFrameSize, Self, handshake.Version, handshake.Keys, _options.EffectiveFragmentSize) { Faults = Faults };
        slot.Current = connection;
        slot.Backoff = TimeSpan.Zero;
        _generations[connection] = set.Generation;
        set.Connected++;
        set.ProtocolVersion = connection.ProtocolVersion;
        Log.ConnectionUp(_logger, peer.Name, slot.Channel.Name, slot.Index, "outbound");
        if (set.Connected == 1)
        {
            PeerUp(set);
        }

        StartAfter(connection, slot, replaced);
        ConnectionEstablished?.Invoke(set.Name);
    }

    private static void StartAfter(PeerConnection connection, ConnectionSlot slot, PeerConnection? replaced)
    {
        PeerConnection? predecessor = replaced ?? (slot.Previous is { } previous && !previous.Completion.IsCompleted ? previous : null);
        slot.Previous = connection;
        connection.Start(predecessor);
        replaced?.Retire();
    }

    /// <summary>
    /// Opens a connection on the membership channel to whatever node listens at <paramref name="address"/> and
    /// completes its handshake (the first step of a join). Hand the result to <see cref="AdoptJoinConnection"/> on the loop.
    /// </summary>
    /// <exception cref="PartisanException">The address cannot be reached, or it is this node.</exception>
    /// <exception cref="HandshakeException">That node refused (e.g. a wrong cluster secret).</exception>
    public async Task<(ITransportConnection Connection, HandshakeResult Handshake)> DialForJoinAsync(ListenAddress address, CancellationToken cancellationToken)
    {
        ITransportConnection connection;
        using (var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connectTimeout.Token, cancellationToken, _stopping.Token))
        {
            try
            {
                connection = await _transport.ConnectAsync(address, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException or PartisanException && !cancellationToken.IsCancellationRequested)
            {
                throw new PartisanException($"Cannot join {address}: {ex.Message}", ex);
            }
        }

        try
        {
            HandshakeResult result = await Handshake.InitiateAsync(connection, _handshake, ChannelOptions.MembershipName, 0, null, cancellationToken).ConfigureAwait(false);
            if (result.Peer.Name == Self)
            {
                throw new PartisanException($"Cannot join {address}: that is this node ({Self}).");
            }

            return (connection, result);
        }
        catch
        {
            // Disposing can throw on an aborted socket; that must not replace the handshake's own error.
            await DisposeQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Takes a connection a join opened on the membership channel (its handshake done) as that slot's connection,
    /// unless one already serves it. Loop only.
    /// </summary>
    public void AdoptJoinConnection(ITransportConnection connection, HandshakeResult handshake)
    {
        NodeSpec peer = handshake.Peer;
        if (_stopped)
        {
            _ = DisposeQuietlyAsync(connection);
            return;
        }

        PeerConnectionSet set = GetOrAdd(peer, wanted: false, out _);
        ConnectionSlot slot = set.Channels[ChannelOptions.MembershipName].Slots[0];
        if (slot.Current is { IsClosed: false })
        {
            _ = DisposeQuietlyAsync(connection);
            return;
        }

        Register(set, slot, connection, handshake, replaced: null);
    }

    /// <summary>Dials <paramref name="channel"/>/<paramref name="index"/> of <paramref name="peer"/> again although a connection serves it, so the new one replaces it (tests of replacement under load).</summary>
    internal Task RedialForTestAsync(NodeName peer, string channel, int index) => _loop.InvokeAsync(() =>
    {
        if (_peers.TryGetValue(peer, out PeerConnectionSet? set) && set.GetChannel(channel) is { } slots && !slots.Slots[index].Dialing)
        {
            slots.Slots[index].Dialing = true;
            _ = DialAsync(set, slots.Slots[index]);
        }
    });
}
