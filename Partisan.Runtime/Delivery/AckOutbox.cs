using System.Buffers;
using Microsoft.Extensions.Logging;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Routing;

namespace Partisan.Delivery;

/// <summary>
/// The sending half of acknowledged delivery: keeps each acknowledged message's encoded bytes until its receiver
/// acknowledges it, retransmits on the node's clock every <see cref="DeliveryOptions.RetransmitInterval"/> and at once
/// when a connection to the peer is established, and bounds what it keeps (count and bytes, all peers together): a
/// full store refuses (<see cref="TrySend"/>) or makes the sender wait (<see cref="SendAsync"/>), never drops.
/// </summary>
/// <remarks>
/// Sequences are per destination and start at 1 in each run of this node (<see cref="Epoch"/>). One lock per
/// destination covers numbering, storing and the first transmission, so messages to one peer leave in sequence order
/// and the lowest unacknowledged sequence (sent as the floor) is always right.
/// </remarks>
internal sealed class AckOutbox : IDisposable
{
    private readonly Router _router;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Func<NodeName, bool> _isMember;
    private readonly Dictionary<NodeName, PeerOutbox> _peers = new();
    private readonly Lock _peersGate = new();
    private readonly Lock _roomGate = new();
    private TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private int _count;
    private long _bytes;
    private int _unsupportedLogged;
    private long _lastUnknownLogged;
    private volatile bool _stopped;

    public AckOutbox(Router router, DeliveryOptions options, TimeProvider time, PartisanMetrics metrics, ILogger logger, Func<NodeName, bool> isMember)
    {
        _router = router;
        _options = options;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _isMember = isMember;
    }

    /// <summary>This node's run (its incarnation), set when it starts; receivers keep one window per run.</summary>
    public ulong Epoch { get; set; }

    /// <summary>Interposition on each transmission (fault injection), or null.</summary>
    public Faults.FaultInjector? Faults { get; set; }

    /// <summary>Messages kept, waiting for an acknowledgement.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Encoded bytes kept.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Transmissions after the first (for tests and metrics).</summary>
    public long Retransmissions;

    /// <summary>Acknowledgements that matched nothing kept (replayed, forged, or for a message already settled).</summary>
    public long UnknownAcks;

    /// <summary>
    /// Keeps and sends <paramref name="message"/>; false when the store is full. With <paramref name="done"/>, completes it
    /// when the receiver acknowledges, or fails it with a <see cref="DeliveryFailedException"/>.
    /// </summary>
    /// <exception cref="DeliveryFailedException">The peer speaks protocol version 1, or this node stopped.</exception>
    public bool TrySend(NodeName node, ProcessRef target, object message, in ForwardOptions options, in FrameExtensions extensions, TaskCompletionSource? done, out PendingMessage? kept)
    {
        kept = null;
        ThrowIfUnusable(node);
        if (Interlocked.Increment(ref _count) > _options.MaxUnackedMessages)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        PeerOutbox peer = Peer(node);
        bool stored = false;
        try
        {
            lock (peer.Gate)
            {
                ulong sequence = peer.NextSequence;
                FrameExtensions fields = extensions;
                fields.AckId = sequence;
                fields.AckContext = new AckContext(Epoch, peer.Floor(sequence));
                OutboundFrame frame = _router.EncodeDetached(target, message, options, fields, out long key);
                int length = frame.Length;
                if (Interlocked.Add(ref _bytes, length) > _options.MaxUnackedBytes)
                {
                    Interlocked.Add(ref _bytes, -length);
                    OutboundFrame.Return(frame);
                    return false;
                }

                byte[] body = ArrayPool<byte>.Shared.Rent(length);
                frame.Body.CopyTo(body);
                int extensionsLength = frame.ExtensionsLength;
                OutboundFrame.Return(frame);
                var pending = new PendingMessage(node, sequence, body, length, extensionsLength, options.Channel ?? ChannelOptions.DefaultName, key, message) { Done = done };
                peer.NextSequence = sequence + 1;
                peer.Add(pending);
                stored = true;
                kept = pending;
                Transmit(pending);
            }
        }
        finally
        {
            if (!stored)
            {
                Interlocked.Decrement(ref _count);
            }
        }

        EnsureTimer();
        return true;
    }

    /// <summary>Like <see cref="TrySend"/>, but waits for room in the store instead of refusing; <paramref name="extensions"/> are the header fields set before (a causal stamp).</summary>
    public async ValueTask<PendingMessage?> SendAsync(NodeName node, ProcessRef target, object message, ForwardOptions options, FrameExtensions extensions, TaskCompletionSource? done, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            lock (_roomGate)
            {
                room = _room.Task;
            }

            if (TrySend(node, target, message, options, extensions, done, out PendingMessage? kept))
            {
                return kept;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void ThrowIfUnusable(NodeName node)
    {
        if (_stopped)
        {
            throw new DeliveryFailedException(node, DeliveryFailure.Stopped, "The node has stopped.");
        }

        if (!_isMember(node))
        {
            throw new DeliveryFailedException(node, DeliveryFailure.NodeRemoved, $"{node} is not a member of the cluster.");
        }

        if (_router.ProtocolVersionOf(node) == 1)
        {
            if (Interlocked.Exchange(ref _unsupportedLogged, 1) == 0)
            {
                DeliveryLog.AckUnsupported(_logger, node);
            }

            throw Unsupported(node);
        }
    }

    private static DeliveryFailedException Unsupported(NodeName node) =>
        new(node, DeliveryFailure.Unsupported, $"{node} speaks protocol version 1, which cannot carry acknowledgements; acknowledged delivery needs version 2 on both nodes.");

    /// <summary>Hands <paramref name="pending"/> to a connection (caller holds its peer's lock). Not sent now is sent on the next tick or connection.</summary>
    private void Transmit(PendingMessage pending)
    {
        if (Faults is { } faults && faults.Interpose(Partisan.Faults.FaultDirection.Send, pending.Destination, pending.Message).Kind is Partisan.Faults.InterpositionKind.Drop or Partisan.Faults.InterpositionKind.Delay)
        {
            pending.LastSent = _time.GetTimestamp(); // dropped on the way: the retransmission finds it lost
            return;
        }

        if (_router.ForwardEncoded(pending.Destination, pending.Channel, pending.Key, pending.Body.AsSpan(0, pending.Length), pending.ExtensionsLength))
        {
            pending.LastSent = _time.GetTimestamp();
            if (pending.Transmissions++ > 0)
            {
                Interlocked.Increment(ref Retransmissions);
            }
        }
    }

    /// <summary>The receiver <paramref name="from"/> acknowledged a message.</summary>
    public void Acked(NodeName from, AckMessage ack)
    {
        PendingMessage? settled = null;
        if (ack.Epoch == Epoch && TryPeer(from) is { } peer)
        {
            lock (peer.Gate)
            {
                settled = peer.Remove(ack.Sequence);
            }
        }

        if (settled is null)
        {
            // Forged, replayed, or for a message settled already (a duplicate's acknowledgement): counted, logged at most once a second.
            Interlocked.Increment(ref UnknownAcks);
            long now = Environment.TickCount64;
            long last = Interlocked.Read(ref _lastUnknownLogged);
            if (now - last > 1000 && Interlocked.CompareExchange(ref _lastUnknownLogged, now, last) == last)
            {
                DeliveryLog.UnknownAck(_logger, from, ack.Epoch == Epoch ? $"sequence {ack.Sequence} is not kept" : $"run {ack.Epoch} is not this node's");
            }

            return;
        }

        Settle(settled, null);
    }

    private void Settle(PendingMessage pending, Exception? failure)
    {
        Interlocked.Add(ref _bytes, -pending.Length);
        Interlocked.Decrement(ref _count);
        pending.Release();
        if (failure is null)
        {
            pending.Done?.TrySetResult();
        }
        else
        {
            pending.Done?.TrySetException(failure);
        }

        TaskCompletionSource room;
        lock (_roomGate)
        {
            room = _room;
            _room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        room.TrySetResult();
    }

    /// <summary>Gives up <paramref name="pending"/> (a deadline passed): it is no longer retransmitted.</summary>
    public void GiveUp(PendingMessage? pending, DeliveryFailure reason, string text)
    {
        if (pending is null || TryPeer(pending.Destination) is not { } peer)
        {
            return;
        }

        PendingMessage? removed;
        lock (peer.Gate)
        {
            removed = peer.Remove(pending.Sequence);
        }

        if (removed is not null)
        {
            Settle(removed, new DeliveryFailedException(pending.Destination, reason, text));
        }
    }

    /// <summary>A connection to <paramref name="node"/> was established: what it has not acknowledged goes again at once.</summary>
    public void Reconnected(NodeName node)
    {
        if (TryPeer(node) is { } peer)
        {
            Retransmit(peer, force: true);
        }
    }

    private void Tick()
    {
        PeerOutbox[] peers;
        lock (_peersGate)
        {
            peers = [.. _peers.Values];
        }

        foreach (PeerOutbox peer in peers)
        {
            if (!_isMember(peer.Node))
            {
                FailAll(peer, DeliveryFailure.NodeRemoved, $"{peer.Node} is no longer a member of the cluster.");
            }
            else if (_router.ProtocolVersionOf(peer.Node) == 1)
            {
                FailAll(peer, DeliveryFailure.Unsupported, Unsupported(peer.Node).Message);
            }
            else
            {
                Retransmit(peer, force: false);
            }
        }
    }

    private void Retransmit(PeerOutbox peer, bool force)
    {
        long due = _time.GetTimestamp() - (long)(_options.RetransmitInterval.TotalSeconds * _time.TimestampFrequency);
        lock (peer.Gate)
        {
            foreach (PendingMessage pending in peer.InOrder())
            {
                if (force || pending.LastSent <= due)
                {
                    Transmit(pending);
                }
            }
        }
    }

    private void FailAll(PeerOutbox peer, DeliveryFailure reason, string text)
    {
        List<PendingMessage> failed;
        lock (peer.Gate)
        {
            failed = peer.TakeAll();
        }

        foreach (PendingMessage pending in failed)
        {
            Settle(pending, new DeliveryFailedException(peer.Node, reason, text));
        }
    }

    private PeerOutbox Peer(NodeName node)
    {
        lock (_peersGate)
        {
            if (!_peers.TryGetValue(node, out PeerOutbox? peer))
            {
                peer = new PeerOutbox(node);
                _peers[node] = peer;
            }

            return peer;
        }
    }

    private PeerOutbox? TryPeer(NodeName node)
    {
        lock (_peersGate)
        {
            return _peers.GetValueOrDefault(node);
        }
    }

    private void EnsureTimer()
    {
        if (Volatile.Read(ref _timer) is not null || _stopped)
        {
            return;
        }

        ITimer timer = _time.CreateTimer(static s => ((AckOutbox)s!).Tick(), this, _options.RetransmitInterval, _options.RetransmitInterval);
        if (Interlocked.CompareExchange(ref _timer, timer, null) is not null)
        {
            timer.Dispose();
        }
    }

    /// <summary>Stops retransmitting and fails every awaited send with <see cref="DeliveryFailure.Stopped"/>.</summary>
    public void Dispose()
    {
        _stopped = true;
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        PeerOutbox[] peers;
        lock (_peersGate)
        {
            peers = [.. _peers.Values];
        }

        foreach (PeerOutbox peer in peers)
        {
            FailAll(peer, DeliveryFailure.Stopped, "The node has stopped.");
        }
    }
}
