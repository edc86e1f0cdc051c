using Partisan.Channels;

namespace Partisan.Routing;

/// <summary>
/// The ordered stages between a send call and the connection queue, and between decoding and local delivery,
/// where acknowledgement, deduplication, causal buffering and fault interposition plug in. A stage is installed for the
/// directions it works in (<see cref="StageDirections"/>), and may be installed while the node runs (acknowledged
/// delivery on its first use, fault interposition on its first function): the stage lists are immutable arrays,
/// replaced under a lock and published with a volatile write, so senders and readers see either the old list or the
/// new one. With no stage for a direction the router and dispatcher skip it with one array-length check; a frame
/// without the acknowledgement fields never enters a stage installed for <see cref="StageDirections.InboundAcked"/> only,
/// and one without a causal stamp never enters a stage installed for <see cref="StageDirections.InboundCausal"/> only.
/// </summary>
internal sealed class DeliveryPipeline
{
    private readonly Lock _gate = new();
    private Entry[] _entries = [];
    private IDeliveryStage[] _outbound = [];
    private IDeliveryStage[][] _inboundByKind = [[], [], [], []]; // by FrameExtensions.InboundKind

    /// <summary>True when no outbound stage is installed (the router then sends directly).</summary>
    public bool IsEmpty => Volatile.Read(ref _outbound).Length == 0;

    /// <summary>The outbound stages, in order (for diagnostics and tests).</summary>
    public IReadOnlyList<IDeliveryStage> Stages => Volatile.Read(ref _outbound);

    /// <summary>The inbound stages a message with <paramref name="extensions"/> passes (run last to first); empty when it goes straight to the mailbox.</summary>
    public IDeliveryStage[] InboundStages(in FrameExtensions extensions) => Volatile.Read(ref _inboundByKind)[extensions.InboundKind];

    /// <summary>Appends <paramref name="stage"/> in both directions, after every stage installed so far.</summary>
    public void Add(IDeliveryStage stage) => Install(stage, StageOrder.Last, StageDirections.Both);

    /// <summary>
    /// Installs <paramref name="stage"/> for <paramref name="directions"/> at <paramref name="order"/> (lower runs first
    /// outbound, last inbound; equal orders keep the order of installation). Thread-safe and idempotent: installing a
    /// stage again adds only the directions it did not have. False when nothing changed.
    /// </summary>
    public bool Install(IDeliveryStage stage, int order, StageDirections directions)
    {
        ArgumentNullException.ThrowIfNull(stage);
        lock (_gate)
        {
            Entry[] entries = _entries;
            for (int i = 0; i < entries.Length; i++)
            {
                if (ReferenceEquals(entries[i].Stage, stage))
                {
                    if ((entries[i].Directions & directions) == directions)
                    {
                        return false;
                    }

                    Entry[] copy = [.. entries];
                    copy[i] = entries[i] with { Directions = entries[i].Directions | directions };
                    Publish(copy);
                    return true;
                }
            }

            int at = entries.Length;
            while (at > 0 && entries[at - 1].Order > order)
            {
                at--;
            }

            Publish([.. entries[..at], new Entry(stage, order, directions), .. entries[at..]]);
            return true;
        }
    }

    private void Publish(Entry[] entries)
    {
        _entries = entries;
        Volatile.Write(ref _outbound, Select(entries, StageDirections.Outbound));
        var byKind = new IDeliveryStage[4][];
        for (int kind = 0; kind < byKind.Length; kind++)
        {
            StageDirections wanted = kind == 0 ? StageDirections.InboundPlain : StageDirections.None;
            wanted |= (kind & 1) != 0 ? StageDirections.InboundAcked : StageDirections.None;
            wanted |= (kind & 2) != 0 ? StageDirections.InboundCausal : StageDirections.None;
            byKind[kind] = Select(entries, wanted);
        }

        Volatile.Write(ref _inboundByKind, byKind);
    }

    /// <summary>The stages that want any of <paramref name="directions"/>, in order.</summary>
    private static IDeliveryStage[] Select(Entry[] entries, StageDirections directions)
    {
        var selected = new List<IDeliveryStage>(entries.Length);
        foreach (Entry entry in entries)
        {
            if ((entry.Directions & directions) != 0)
            {
                selected.Add(entry.Stage);
            }
        }

        return [.. selected];
    }

    /// <summary>Runs the outbound stages: <see cref="StageResult.Continue"/> when the message goes on to a connection, else what the stage that stopped it said.</summary>
    public StageResult Outbound(ref OutboundMessage message)
    {
        IDeliveryStage[] stages = Volatile.Read(ref _outbound);
        for (int i = 0; i < stages.Length; i++)
        {
            StageResult result = stages[i].OnOutbound(ref message);
            if (result != StageResult.Continue)
            {
                return result;
            }
        }

        return StageResult.Continue;
    }

    /// <summary>Runs the inbound stages for the message's header fields; false when one of them took the message.</summary>
    public bool Inbound(ref InboundMessage message) => Inbound(InboundStages(message.Extensions), ref message);

    /// <summary>Runs <paramref name="stages"/> (from <see cref="InboundStages"/>) last to first; false when one of them took the message.</summary>
    public static bool Inbound(IDeliveryStage[] stages, ref InboundMessage message)
    {
        for (int i = stages.Length - 1; i >= 0; i--)
        {
            if (stages[i].OnInbound(ref message) != StageResult.Continue)
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Entry(IDeliveryStage Stage, int Order, StageDirections Directions);
}

/// <summary>Which messages a <see cref="DeliveryPipeline"/> stage sees.</summary>
[Flags]
internal enum StageDirections
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Messages on their way out.</summary>
    Outbound = 1,

    /// <summary>Messages that arrived with neither the acknowledgement fields nor a causal stamp.</summary>
    InboundPlain = 2,

    /// <summary>Messages that arrived with the acknowledgement fields (ack id and ack context).</summary>
    InboundAcked = 4,

    /// <summary>Messages that arrived with a causal stamp.</summary>
    InboundCausal = 8,

    /// <summary>Every message that arrived.</summary>
    Inbound = InboundPlain | InboundAcked | InboundCausal,

    /// <summary>Every message, both ways.</summary>
    Both = Outbound | Inbound,
}

/// <summary>Where the built-in stages sit in a <see cref="DeliveryPipeline"/> (lower runs first outbound, last inbound).</summary>
internal static class StageOrder
{
    /// <summary>
    /// Causal delivery: first out (its stamp goes into what the acknowledgement store keeps), last in (after
    /// deduplication; it delivers what it releases itself, in order).
    /// </summary>
    public const int Causal = 50;

    /// <summary>Trace context: first out (its field goes into what the acknowledgement store keeps), last in.</summary>
    public const int TraceContext = 100;

    /// <summary>Acknowledged delivery: takes acked messages into its store before fault interposition sees them.</summary>
    public const int Ack = 200;

    /// <summary>Fault interposition: last out, first in (a message it drops on receive is never acknowledged).</summary>
    public const int Faults = 300;

    /// <summary>Stages added with <see cref="DeliveryPipeline.Add"/>: after every built-in one.</summary>
    public const int Last = int.MaxValue;
}
