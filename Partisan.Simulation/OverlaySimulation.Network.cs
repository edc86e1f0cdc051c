using Partisan.Serialization;

namespace Partisan.Simulation;

/// <summary>
/// The network: latency, FIFO links, dials reaching the acceptor, graceful closes, crash resets, partitions and their
/// keep-alive timeouts, message rules, and the optional round trip of every overlay message through the serializer.
/// </summary>
public sealed partial class OverlaySimulation
{
    // Links accepted and not yet dead: the ones a new partition can cut.
    private readonly HashSet<SimulatedLink> _links = new();
    private readonly List<PartitionHandle> _partitions = new();
    private MessageRule[] _rules = [];
    private WireBuffer? _wireBuffer;
    private WireContext? _wireContext;

    /// <summary>
    /// Adds a rule every overlay message passes when it is sent (after the ones added before): deliver, drop, or delay it.
    /// The first rule that drops a message decides; delays add up.
    /// </summary>
    public MessageRule AddRule(Func<SimulatedMessage, MessageFate> rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var added = new MessageRule(rule);
        _rules = [.. _rules, added];
        return added;
    }

    /// <summary>Removes a rule; false when it was not there.</summary>
    public bool RemoveRule(MessageRule rule)
    {
        int i = Array.IndexOf(_rules, rule);
        if (i < 0)
        {
            return false;
        }

        var rules = new List<MessageRule>(_rules);
        rules.RemoveAt(i);
        _rules = rules.ToArray();
        return true;
    }

    /// <summary>
    /// Cuts <paramref name="a"/> from <paramref name="b"/>: traffic between them is lost both ways and dials fail (after
    /// <see cref="SimulationOptions.ConnectTimeout"/>); the links across report closed after
    /// <see cref="SimulationOptions.PartitionDetectionDelay"/> unless the partition is healed first.
    /// </summary>
    public PartitionHandle Partition(IEnumerable<NodeName> a, IEnumerable<NodeName> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var handle = new PartitionHandle(new HashSet<NodeName>(a), new HashSet<NodeName>(b));
        _partitions.Add(handle);
        long at = NowTicks + Options.PartitionDetectionDelay.Ticks;
        foreach (SimulatedLink link in _links)
        {
            if (handle.Separates(link.Initiator.Name, link.Acceptor.Name))
            {
                Schedule(at, new SimEvent(SimEventKind.PartitionTimeout, link.Initiator, handle, link));
            }
        }

        return handle;
    }

    /// <summary>Ends a partition: traffic flows again; links it has not yet timed out stay up.</summary>
    public void Heal(PartitionHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        handle.IsActive = false;
        _partitions.Remove(handle);
    }

    /// <summary>True when an active partition separates <paramref name="a"/> from <paramref name="b"/>.</summary>
    public bool IsPartitioned(NodeName a, NodeName b)
    {
        foreach (PartitionHandle p in _partitions)
        {
            if (p.Separates(a, b))
            {
                return true;
            }
        }

        return false;
    }

    private long Latency()
    {
        long min = Options.MinLatency.Ticks;
        long max = Options.MaxLatency.Ticks;
        return max == min ? min : min + _network.NextInt64(max - min + 1);
    }

    // ---------------------------------------------------------------- dials

    internal SimulatedLink Dial(SimulatedNode node, SimulatedPeer peer)
    {
        SimulatedNode? target = Find(peer.Name);
        if (target is null)
        {
            // No such node: the dial fails as against an address nobody listens on (a link to itself stands for it).
            var nowhere = new SimulatedLink(node, peer, node);
            Schedule(NowTicks + (2 * Latency()), new SimEvent(SimEventKind.DialFailed, node, Link: nowhere, Peer: peer, Epoch: node.Epoch));
            return nowhere;
        }

        var link = new SimulatedLink(node, peer, target);
        Schedule(NowTicks + Latency(), new SimEvent(SimEventKind.DialArrive, node, Link: link, Peer: peer, Epoch: node.Epoch));
        return link;
    }

    private void DialArrive(SimulatedNode initiator, SimulatedLink link, SimulatedPeer peer, int epoch)
    {
        if (!initiator.Alive || initiator.Epoch != epoch)
        {
            return;
        }

        SimulatedNode acceptor = link.Acceptor;
        long failAt;
        bool duplicate = false;
        if (!acceptor.Alive)
        {
            failAt = NowTicks + Latency(); // connection refused
        }
        else if (IsPartitioned(initiator.Name, acceptor.Name))
        {
            failAt = NowTicks + Options.ConnectTimeout.Ticks;
        }
        else if (acceptor.DecideInbound(initiator, link, out duplicate) is not null)
        {
            failAt = NowTicks + Latency(); // refused by the acceptor's overlay, or a duplicate
        }
        else
        {
            return; // accepted: the welcome is on its way
        }

        Schedule(failAt, new SimEvent(SimEventKind.DialFailed, initiator, Link: link, Peer: peer, Arg: duplicate ? 1 : 0, Epoch: epoch));
    }

    internal void Register(SimulatedLink link)
    {
        link.Registered = true;
        _links.Add(link);
    }

    /// <summary>Marks <paramref name="link"/> dead: nothing more is delivered on it.</summary>
    internal void Kill(SimulatedLink link)
    {
        link.Dead = true;
        if (link.Registered)
        {
            link.Registered = false;
            _links.Remove(link);
        }
    }

    /// <summary><paramref name="node"/> crashed: kill <paramref name="link"/> and tell the other end after the crash detection delay.</summary>
    internal void Cut(SimulatedNode node, SimulatedLink? link)
    {
        if (link is null || link.Dead || ReferenceEquals(link.Initiator, link.Acceptor))
        {
            return;
        }

        Kill(link);
        SimulatedNode other = link.Other(node);
        long delay = Options.CrashDetectionDelay?.Ticks ?? Latency();
        Schedule(NowTicks + delay, new SimEvent(SimEventKind.LinkLost, other, "connection_lost", link, Epoch: other.Epoch));
    }

    /// <summary>Closes <paramref name="link"/> from <paramref name="node"/>'s end after what it already sent on it.</summary>
    internal void CloseGracefully(SimulatedNode node, SimulatedLink link, string reason)
    {
        if (!link.Dead && !ReferenceEquals(link.Initiator, link.Acceptor))
        {
            Send(node, link, new CloseMarker(reason));
        }
    }

    private void PartitionTimeout(SimulatedLink link, PartitionHandle handle)
    {
        if (!handle.IsActive || link.Dead)
        {
            return;
        }

        Kill(link);
        foreach (SimulatedNode end in (ReadOnlySpan<SimulatedNode>)[link.Initiator, link.Acceptor])
        {
            if (end.Alive && end.Epoch == link.EpochOf(end))
            {
                end.OnLinkLost(link, "keepalive_timeout");
            }
        }
    }

    // ---------------------------------------------------------------- messages

    /// <summary>Sends a link marker or a relayed message on <paramref name="link"/> (no rules, no serializer).</summary>
    internal void Send(SimulatedNode from, SimulatedLink link, object payload)
    {
        SimulatedNode to = link.Other(from);
        Schedule(link.ArrivalAt(to, NowTicks + Latency()), new SimEvent(SimEventKind.Deliver, to, payload, link));
    }

    /// <summary>Sends an overlay message on <paramref name="link"/>: the rules, the serializer round trip, latency, FIFO.</summary>
    internal void Transmit(SimulatedNode from, SimulatedLink link, object message)
    {
        SimulatedNode to = link.Other(from);
        long extra = 0;
        MessageRule[] rules = _rules;
        if (rules.Length > 0)
        {
            var seen = new SimulatedMessage(from.Name, to.Name, message, Now);
            foreach (MessageRule rule in rules)
            {
                MessageFate fate = rule.Decide(seen);
                if (fate.Kind == MessageFateKind.Drop)
                {
                    CountDropped(from, message, "rule");
                    return;
                }

                extra += fate.ExtraDelay.Ticks;
            }
        }

        if (Options.SerializeMessages)
        {
            if (!RoundTrip(from, message, out object? copy))
            {
                CountDropped(from, message, "serialization");
                return;
            }

            message = copy;
        }

        Schedule(link.ArrivalAt(to, NowTicks + Latency() + extra), new SimEvent(SimEventKind.Deliver, to, message, link));
    }

    private void Arrive(SimulatedNode to, SimulatedLink link, object payload)
    {
        SimulatedNode from = link.Other(to);
        string? lost = link.Dead ? "link_lost"
            : !to.Alive || to.Epoch != link.EpochOf(to) ? "node_down"
            : _partitions.Count > 0 && IsPartitioned(from.Name, to.Name) ? "partition"
            : null;
        if (lost is not null)
        {
            switch (payload)
            {
                case WelcomeMarker when lost == "node_down":
                    Cut(to, link); // the dialer is gone: the acceptor's end is reset
                    break;
                case WelcomeMarker or CloseMarker:
                    break;
                case RelayResult relay:
                    relay.Drop("lost", Now);
                    break;
                default:
                    CountDropped(from, payload, lost);
                    break;
            }

            return;
        }

        switch (payload)
        {
            case WelcomeMarker:
                to.OnWelcome(link);
                break;
            case CloseMarker close:
                to.OnRemoteClose(link, close.Reason);
                break;
            case RelayResult relay:
                relay.Visit(to.Name);
                RelayStep(to, relay);
                break;
            default:
                if (to.IsCurrentLink(from.Name, link))
                {
                    Counters.CountDelivered(to.Index, Describe(payload).Name);
                    to.Deliver(from.Name, payload);
                }
                else
                {
                    CountDropped(from, payload, "closed"); // the receiver closed this link meanwhile
                }

                break;
        }
    }

    internal void CountSent(SimulatedNode from, object message) => Counters.CountSent(from.Index, Describe(message).Name);

    internal void CountDropped(SimulatedNode from, object message, string reason) => Counters.CountDropped(from.Index, Describe(message).Name, reason);

    private bool RoundTrip(SimulatedNode from, object message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? copy)
    {
        WireBuffer buffer = _wireBuffer ??= new WireBuffer();
        WireContext context = _wireContext ??= new WireContext(TypeRegistry.Default);
        buffer.Reset();
        try
        {
            var writer = new WireWriter(buffer, context);
            writer.WriteObject(message);
            writer.Flush();
            byte[] bytes = buffer.ToArray();
            var reader = new WireReader(bytes, context);
            copy = reader.ReadObject();
            Counters.CountBytes(from.Index, Describe(message).Name, bytes.Length);
            if (copy is null)
            {
                throw new WireFormatException("The message read back as null.");
            }

            return true;
        }
        catch (Exception ex) when (ex is PartisanException or InvalidOperationException or ArgumentException or NotSupportedException or IndexOutOfRangeException or InvalidCastException)
        {
            Counters.SerializationFailures++;
            Log.SerializationFailed(Logger, message.GetType().Name, from.Name.Value, ex);
            copy = null;
            return false;
        }
    }
}
