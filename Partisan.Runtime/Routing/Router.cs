using System.Buffers;
using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Diagnostics;
using Partisan.Serialization;

namespace Partisan.Routing;

/// <summary>
/// The send path, one for every kind of frame: picks the route (a direct connection set, or the overlay's next hop
/// for a member this node reaches by relay only), the connection by partition key, encodes into a pooled frame and
/// queues it. <see cref="Forward"/>, <see cref="ForwardAsync"/> and <see cref="SendControl"/> differ only in what
/// they encode and how they queue. Runs on the sender's thread; reads only published snapshots.
/// </summary>
internal sealed partial class Router
{
    private readonly ConnectionManager _connections;
    private readonly MessageCodec _codec;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly DeliveryPipeline _pipeline;
    private Action? _ackWanted;
    private Action? _causalWanted;
    private readonly NodeName _self;
    private readonly byte _relayHops;
    private Func<FrozenDictionary<NodeName, NodeName>> _nextHops = static () => FrozenDictionary<NodeName, NodeName>.Empty;

    public Router(ConnectionManager connections, MessageCodec codec, PartisanMetrics metrics, ILogger logger, DeliveryPipeline pipeline, NodeName self, int relayHops)
    {
        _connections = connections;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _pipeline = pipeline;
        _self = self;
        _relayHops = (byte)relayHops;
    }

    private Func<NodeName, bool> _isMember = static _ => false;

    /// <summary>Whether a node is a member (a member with no route yet is waited for; any other node is unknown).</summary>
    public void UseMembership(Func<NodeName, bool> isMember) => _isMember = isMember;

    /// <summary>The settings of the channel named <paramref name="name"/>; null when it is not configured.</summary>
    private ChannelOptions? FindChannel(string name)
    {
        foreach (ChannelOptions candidate in _connections.Channels)
        {
            if (candidate.Name == name)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Where next hops come from (the overlay runner's snapshot).</summary>
    public void UseNextHops(Func<FrozenDictionary<NodeName, NodeName>> nextHops) => _nextHops = nextHops;

    private Action<NodeName>? _routeMissing;

    /// <summary>Called (any thread) when a send finds neither a connection nor a next hop, so the overlay can look for a route.</summary>
    public void OnRouteMissing(Action<NodeName> routeMissing) => _routeMissing = routeMissing;

    /// <summary>Where a frame goes: a connection (<paramref name="Slot"/>), or, when it is null, to wait for a route (<see cref="Hold"/>).</summary>
    private readonly record struct Route(ConnectionSlot? Slot, ChannelOptions Channel, NodeName? RelayTo);

    /// <summary>
    /// Resolves the slot for <paramref name="node"/> on <paramref name="channel"/>; null when there is one, else the drop
    /// reason, or <see cref="HoldRoute"/> (with a <paramref name="route"/> that has no slot) when the frame is to wait for a
    /// route: the member is known and not down, but neither connected, nor wanted by the overlay, nor reached by relay yet
    /// (or earlier frames for it wait, unless <paramref name="ignoreWaits"/>).
    /// </summary>
    private string? TryRoute(NodeName node, string channel, long key, out Route route, bool ignoreWaits = false)
    {
        FrozenDictionary<NodeName, PeerConnectionSet> table = _connections.Table;
        table.TryGetValue(node, out PeerConnectionSet? direct);
        PeerConnectionSet? via = null;
        bool hold = !ignoreWaits && IsWaiting(node);
        if (!hold && (direct is null || direct.Connected == 0))
        {
            if (_nextHops().TryGetValue(node, out NodeName hop) && table.TryGetValue(hop, out PeerConnectionSet? hopSet) && !hopSet.IsDown)
            {
                via = hopSet;
            }
            else if (direct is null ? node == _self || !_isMember(node) : direct.IsDown)
            {
                route = default;
                if (node != _self)
                {
                    _routeMissing?.Invoke(node);
                }

                return direct is null ? "unknown_node" : "not_connected";
            }
            else if (direct is null || (!direct.Wanted && !direct.OnDemand))
            {
                // A member the overlay neither connects to nor relays to yet (or whose connection nobody will ever
                // dial, where the frame would wait for ever): wait for a route.
                hold = true;
                _routeMissing?.Invoke(node);
            }
        }

        if (hold)
        {
            if (FindChannel(channel) is not { } waiting)
            {
                route = default;
                return "unknown_channel";
            }

            route = new Route(null, waiting, null);
            return HoldRoute;
        }

        PeerConnectionSet set = via ?? direct!;
        if (set.GetChannel(channel) is not { } slots)
        {
            route = default;
            return "unknown_channel";
        }

        ConnectionSlot slot = slots.Slots.Length == 1 ? slots.Slots[0] : slots.Slots[(int)((ulong)key % (ulong)slots.Slots.Length)];
        route = new Route(slot, slots.Options, via is null ? null : node);
        return null;
    }

    /// <summary>
    /// Rents the frame and writes the relay header when the route is a relay. <paramref name="sender"/> is whose order the
    /// frame keeps on its connection (<see cref="OutboundFrame.Sender"/>).
    /// </summary>
    private OutboundFrame Begin(in Route route, long key, long sender)
    {
        OutboundFrame frame = OutboundFrame.Rent();
        if (route.RelayTo is { } destination)
        {
            var writer = new WireWriter(frame.Body, _codec.Context);
            new RelayHeader(destination, _self, _relayHops, key).Write(ref writer);
            writer.Flush();
        }

        frame.Key = key;
        frame.Sender = sender;
        return frame;
    }

#pragma warning disable CA2208 // the parameter named is the public API's (ForwardOptions options)
    private static ArgumentException UnknownChannel(string channel) =>
        new($"Unknown channel '{channel}'. Configure it in PartisanOptions.Channels on every node.", "options");
#pragma warning restore CA2208

    /// <summary>
    /// Sets what runs the first time a message asks for acknowledged delivery (<see cref="ForwardOptions.Ack"/>): the node
    /// installs the acknowledgement stage then, so plain sends pay nothing for it until acknowledged delivery is used.
    /// </summary>
    public void OnAckWanted(Action install) => _ackWanted = install;

    private void AckWanted()
    {
        // Volatile both ways: a sender that sees null must also see the stage the install published before it.
        if (Volatile.Read(ref _ackWanted) is { } install)
        {
            install(); // idempotent: two senders racing here install the stage once
            Volatile.Write(ref _ackWanted, null);
        }
    }

    /// <summary>Sets what runs the first time a message has a causal label (<see cref="ForwardOptions.CausalLabel"/>): the node installs the causal stage then.</summary>
    public void OnCausalWanted(Action install) => _causalWanted = install;

    private void CausalWanted()
    {
        if (Volatile.Read(ref _causalWanted) is { } install)
        {
            install(); // idempotent, as AckWanted
            Volatile.Write(ref _causalWanted, null);
        }
    }

    /// <summary>Queues <paramref name="message"/> for <paramref name="target"/> on <paramref name="node"/>. False when the node is unknown or unreachable, or the queue is full.</summary>
    public bool Forward(NodeName node, ProcessRef target, object message, in ForwardOptions options)
    {
        if (options.Ack)
        {
            AckWanted();
        }

        if (options.CausalLabel is not null)
        {
            CausalWanted();
        }

        if (!_pipeline.IsEmpty)
        {
            var staged = new OutboundMessage { Destination = node, Target = target, Message = message, Options = options };
            return _pipeline.Outbound(ref staged) switch
            {
                StageResult.Continue => ForwardUnstaged(staged.Destination, staged.Target, staged.Message, staged.Options, staged.Extensions),
                StageResult.Consumed => true,
                _ => false,
            };
        }

        return ForwardUnstaged(node, target, message, options, FrameExtensions.None);
    }

    /// <summary>
    /// Like <see cref="Forward"/> without the delivery pipeline (for stages that send what they held), with
    /// <paramref name="extensions"/> as the message's header fields (left out by the connection's writer when the peer
    /// speaks protocol version 1).
    /// </summary>
    public bool ForwardUnstaged(NodeName node, ProcessRef target, object message, in ForwardOptions options, in FrameExtensions extensions) =>
        PrepareMessage(node, target, message, options, extensions, out Route route) is { } frame && Deliver(node, route, frame, bounded: true);

    /// <summary>The one preparation path of user messages: route, pick the connection, encode. Null (counted as dropped) when there is no route.</summary>
    /// <exception cref="ArgumentException">The channel is not configured.</exception>
    private OutboundFrame? PrepareMessage(NodeName node, ProcessRef target, object message, in ForwardOptions options, in FrameExtensions extensions, out Route route)
    {
        string channel = options.Channel ?? ChannelOptions.DefaultName;
        long key = options.PartitionKey is null ? PartitionHash.Of(target) : PartitionHash.Of(options.PartitionKey);
        if (TryRoute(node, channel, key, out route) is { } failure && failure != HoldRoute)
        {
            return failure == "unknown_channel" ? throw UnknownChannel(channel) : DroppedFrame(failure);
        }

        OutboundFrame frame = Begin(route, key, PartisanNode.CurrentSenderId);
        try
        {
            _codec.EncodeMessage(frame, target, message, route.Channel.Compression, extensions);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        return frame;
    }

    /// <summary>Like <see cref="Forward"/>, but waits for room when the connection's queue is full instead of dropping.</summary>
    public async ValueTask<bool> ForwardAsync(NodeName node, ProcessRef target, object message, ForwardOptions options, CancellationToken cancellationToken)
    {
        FrameExtensions extensions = default;
        if (options.Ack)
        {
            AckWanted();
        }

        if (options.CausalLabel is not null)
        {
            CausalWanted();
        }

        if (!_pipeline.IsEmpty)
        {
            var staged = new OutboundMessage { Destination = node, Target = target, Message = message, Options = options };
            switch (_pipeline.Outbound(ref staged))
            {
                case StageResult.Consumed:
                    return true;
                case StageResult.Refused:
                    return false;
            }

            (node, target, message, options, extensions) = (staged.Destination, staged.Target, staged.Message, staged.Options, staged.Extensions);
        }

        if (PrepareMessage(node, target, message, options, extensions, out Route route) is not { } frame)
        {
            return false;
        }

        if (route.Slot is not { } slot)
        {
            return Deliver(node, route, frame, bounded: true);
        }

        if (slot.Queue.HasRoomFor(frame) && slot.Queue.TryEnqueue(frame))
        {
            return true;
        }

        bool queued;
        try
        {
            queued = await slot.Queue.EnqueueAsync(frame, () => _connections.Table.TryGetValue(slot.Peer, out PeerConnectionSet? set) && !set.IsDown, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        if (!queued)
        {
            OutboundFrame.Return(frame);
            _metrics.Dropped("not_connected");
        }

        return queued;
    }

    /// <summary>
    /// Sends a runtime control message to <paramref name="node"/> on <paramref name="channel"/>, on the connection
    /// <paramref name="key"/> picks. Control messages (monitors, calls' replies) are never refused for room: they
    /// ignore the queue's byte limit, except on a monotonic channel.
    /// </summary>
    /// <remarks>
    /// <paramref name="sender"/> is whose order the frame keeps (<see cref="OutboundFrame.Sender"/>): by default
    /// <see cref="OutboundFrame.AfterAll"/>, so a monitor notice or exit signal follows every frame queued before it on the
    /// connection and a <c>Down</c> never overtakes what its target sent; a call's reply is its server process's own (it
    /// must not wait for other processes' large messages); an acknowledgement is no process's (0).
    /// </remarks>
    public bool SendControl(NodeName node, object message, string channel, long key, long sender = OutboundFrame.AfterAll) =>
        PrepareControl(node, message, channel, key, sender, out Route route) is { } frame && Deliver(node, route, frame, bounded: route.Channel.Monotonic);

    /// <summary>
    /// Sends an overlay's message on the membership channel, within the queue's byte limit (an overlay tolerates loss
    /// as it tolerates the network's). A message with a nonzero <paramref name="supersedeKey"/> replaces one with the
    /// same key still waiting for that peer, so a burst of views queues one.
    /// </summary>
    public bool SendOverlay(NodeName node, object message, long supersedeKey)
    {
        if (PrepareControl(node, message, ChannelOptions.MembershipName, 0, 0, out Route route, mayWait: false) is not { } frame)
        {
            return false;
        }

        frame.SupersedeKey = supersedeKey;
        return Deliver(node, route, frame, bounded: true);
    }

    /// <summary>
    /// Sends a runtime control message to <paramref name="node"/> on <paramref name="channel"/> within the queue's byte
    /// limit (broadcast: a subsystem that repairs loss itself, and whose traffic must not grow a queue without bound).
    /// Relayed like any frame when <paramref name="node"/> is reached through a next hop.
    /// </summary>
    public bool SendControlBounded(NodeName node, object message, string channel) =>
        PrepareControl(node, message, channel, 0, 0, out Route route, mayWait: false) is { } frame && Deliver(node, route, frame, bounded: true);

    /// <summary>
    /// Routes and encodes a control message. With <paramref name="mayWait"/> false (an overlay's or broadcast's own
    /// traffic, which repairs loss itself and should not arrive late), a member with no route yet is not waited for.
    /// </summary>
    private OutboundFrame? PrepareControl(NodeName node, object message, string channel, long key, long sender, out Route route, bool mayWait = true)
    {
        if (TryRoute(node, channel, key, out route) is { } failure && (failure != HoldRoute || !mayWait))
        {
            return null;
        }

        OutboundFrame frame = Begin(route, key, sender);
        try
        {
            _codec.EncodeControl(frame, message);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        return frame;
    }

    private bool EnqueueControl(ConnectionSlot slot, OutboundFrame frame, bool bounded)
    {
        if (bounded)
        {
            return Enqueue(slot, frame);
        }

        slot.Queue.EnqueueUnbounded(frame);
        return true;
    }

    /// <summary>Passes a relayed frame body on toward <paramref name="header"/>'s destination, one hop fewer.</summary>
    public void RelayOnward(in RelayHeader header, ChannelOptions channel, ReadOnlySequence<byte> inner)
    {
        if (header.HopsLeft <= 1)
        {
            Log.RelayDropped(_logger, header.Origin, header.Destination, "no hops left");
            _metrics.Dropped("relay_ttl");
            return;
        }

        string? failure = TryRoute(header.Destination, channel.Name, header.Key, out Route route);
        if (failure is not null && failure != HoldRoute)
        {
            Log.RelayDropped(_logger, header.Origin, header.Destination, failure);
            _metrics.Dropped("relay_" + failure);
            return;
        }

        OutboundFrame frame = OutboundFrame.Rent();
        var writer = new WireWriter(frame.Body, _codec.Context);
        (header with { HopsLeft = (byte)(header.HopsLeft - 1) }).Write(ref writer);
        writer.Flush();
        int innerAt = (int)frame.Body.WrittenCount;
        foreach (ReadOnlyMemory<byte> segment in inner)
        {
            frame.Body.Write(segment.Span);
        }

        if (MessageCodec.TryLocateExtensions(inner, _codec.Context, out int extensions))
        {
            // So the writer can leave them out toward a version 1 peer, as for frames encoded here.
            frame.ExtensionsAt = innerAt + 1;
            frame.ExtensionsLength = extensions;
        }

        frame.Key = header.Key;
        if (route.Slot is { } slot)
        {
            Enqueue(slot, frame);
        }
        else
        {
            // The destination is known here but this node has no route to it yet (its overlay is still settling): wait for one.
            Hold(header.Destination, new HeldFrame(frame, channel.Name, Bounded: true, Bare: false, _time.GetTimestamp()));
        }
    }

    private OutboundFrame? DroppedFrame(string reason)
    {
        _metrics.Dropped(reason);
        return null;
    }

    private bool Enqueue(ConnectionSlot slot, OutboundFrame frame)
    {
        if (slot.Queue.TryEnqueue(frame))
        {
            Volatile.Write(ref slot.QueueFullLogged, 0);
            return true;
        }

        if (Interlocked.Exchange(ref slot.QueueFullLogged, 1) == 0)
        {
            Log.QueueFull(_logger, slot.Peer, slot.Channel.Name, slot.Index, slot.Queue.PendingBytes);
        }

        OutboundFrame.Return(frame);
        _metrics.Dropped("queue_full");
        return false;
    }
}
