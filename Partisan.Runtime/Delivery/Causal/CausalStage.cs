using Microsoft.Extensions.Logging;
using Partisan.Diagnostics;
using Partisan.Routing;

namespace Partisan.Delivery;

/// <summary>
/// The delivery stage of causal delivery (<see cref="ForwardOptions.CausalLabel"/>). Outbound (first of all stages, so
/// acknowledged delivery keeps the stamped bytes): stamps the message with its label's <see cref="CausalOrder"/>.
/// Inbound (last, after deduplication): holds the message until what it depends on has been delivered, then delivers it
/// and whatever it released, in order, itself. Sees only messages that carry a causal stamp, both ways.
/// </summary>
/// <remarks>
/// Bad input is contained here: a malformed or oversize stamp, an unconfigured label, a stamp without its sender's entry
/// are dropped and logged; entries naming nodes that are not members are left out (so clocks stay bounded by the
/// membership); the held messages are bounded (<see cref="DeliveryOptions.MaxHeldCausalMessages"/>), and a message held
/// longer than <see cref="DeliveryOptions.CausalHoldTimeout"/> has its missing dependencies declared lost (a gap: logged,
/// counted as dropped with reason <c>causal_gap</c>, and in <see cref="Gaps"/>).
/// </remarks>
internal sealed class CausalStage : IDeliveryStage, IDisposable
{
    private readonly DeliveryOptions _options;
    private readonly NodeName _self;
    private readonly Func<NodeName, bool> _isMember;
    private readonly Func<NodeName, int> _protocolVersionOf;
    private readonly Action<ProcessRef, object> _deliver;
    private readonly TimeProvider _time;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, CausalOrder> _orders = new(StringComparer.Ordinal);
    private readonly Lock _ordersGate = new();
    private ITimer? _timer;
    private long _lastLogged;
    private long _gaps;
    private long _stale;
    private long _refused;
    private volatile bool _stopped;

    private readonly Dictionary<string, string>? _channelLabels;

    public CausalStage(DeliveryOptions options, IReadOnlyList<ChannelOptions> channels, NodeName self, Func<NodeName, bool> isMember, Func<NodeName, int> protocolVersionOf, Action<ProcessRef, object> deliver, TimeProvider time, PartisanMetrics metrics, ILogger logger)
    {
        foreach (ChannelOptions channel in channels)
        {
            if (channel.CausalLabel is { } label)
            {
                (_channelLabels ??= new Dictionary<string, string>(StringComparer.Ordinal))[channel.Name] = label;
            }
        }

        _options = options;
        _self = self;
        _isMember = isMember;
        _protocolVersionOf = protocolVersionOf;
        _deliver = deliver;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>This node's run (its incarnation), set when it starts: clock entries are per run.</summary>
    public ulong Run { get; set; }

    /// <summary>Held messages whose missing dependencies were declared lost (bound or timeout).</summary>
    public long Gaps => Interlocked.Read(ref _gaps);

    /// <summary>Messages dropped as delivered before (or declared lost).</summary>
    public long Stale => Interlocked.Read(ref _stale);

    /// <summary>Messages dropped as bad input (malformed or oversize stamp, unknown label, missing sender entry, duplicate of a held one).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Messages held back now, all labels.</summary>
    public int Held
    {
        get
        {
            int held = 0;
            foreach (CausalOrder order in Orders())
            {
                lock (order)
                {
                    held += order.HeldCount;
                }
            }

            return held;
        }
    }

    /// <summary>True when a channel sends every message with causal delivery (<see cref="ChannelOptions.CausalLabel"/>).</summary>
    public bool HasCausalChannels => _channelLabels is not null;

    /// <summary>The label a message with <paramref name="options"/> is sent on: its own, or its channel's; null when none.</summary>
    public string? LabelFor(in ForwardOptions options) =>
        options.CausalLabel ?? (_channelLabels is { } labels ? labels.GetValueOrDefault(options.Channel ?? ChannelOptions.DefaultName) : null);

    /// <summary>Stamps <paramref name="label"/>'s next message to <paramref name="destination"/>; the bytes go in the causal header field.</summary>
    /// <exception cref="ArgumentException">The label is not in <see cref="DeliveryOptions.CausalLabels"/>.</exception>
    public byte[] StampFor(NodeName destination, string label)
    {
        CausalOrder order = Order(label) ?? throw UnknownLabel(label);
        CausalStamp stamp;
        lock (order)
        {
            stamp = order.Stamp(destination);
        }

        return CausalStampCodec.Encode(stamp);
    }

    /// <inheritdoc />
    public StageResult OnOutbound(ref OutboundMessage message)
    {
        if (LabelFor(message.Options) is not { } label)
        {
            return StageResult.Continue;
        }

        if (_protocolVersionOf(message.Destination) == 1)
        {
            _metrics.Dropped("causal_unsupported");
            DeliveryLog.CausalUnsupported(_logger, message.Destination);
            return StageResult.Refused;
        }

        message.Extensions.CausalClock = StampFor(message.Destination, label);
        return StageResult.Continue;
    }

    /// <inheritdoc />
    public StageResult OnInbound(ref InboundMessage message)
    {
        if (message.Extensions.CausalClock is not { } bytes)
        {
            return StageResult.Continue;
        }

        CausalStamp? stamp = CausalStampCodec.TryDecode(bytes, _isMember, out string? problem, out int unknown);
        if (stamp is null)
        {
            Refuse(message.From, "?", "causal_malformed", "malformed stamp: " + problem);
            return StageResult.Consumed;
        }

        if (unknown > 0 && ShouldLog())
        {
            DeliveryLog.CausalUnknownEntries(_logger, message.From, stamp.Label, unknown);
        }

        if (Order(stamp.Label) is not { } order)
        {
            Refuse(message.From, stamp.Label, "causal_unknown_label", "the label is not configured on this node");
            return StageResult.Consumed;
        }

        var deliver = new List<HeldMessage>(1);
        CausalArrival arrival;
        int gaps;
        lock (order)
        {
            arrival = order.Arrive(message.From, stamp, message.Target, message.Message, _time.GetTimestamp(), deliver, out gaps);
            DeliverAll(deliver); // under the lock: another reader must not deliver what this delivery released before it
        }

        switch (arrival)
        {
            case CausalArrival.Held:
                EnsureTimer();
                break;
            case CausalArrival.Stale:
                Interlocked.Increment(ref _stale);
                _metrics.Dropped("causal_stale");
                break;
            case CausalArrival.Duplicate:
                Refuse(message.From, stamp.Label, "causal_duplicate", "a copy is already held");
                break;
            case CausalArrival.Malformed:
                Refuse(message.From, stamp.Label, "causal_malformed", "the stamp has no entry for its sender");
                break;
        }

        ReportGaps(order, gaps, "more than Delivery.MaxHeldCausalMessages held");
        return StageResult.Consumed;
    }

    private void DeliverAll(List<HeldMessage> deliver)
    {
        for (int i = 0; i < deliver.Count; i++)
        {
            _deliver(deliver[i].Target, deliver[i].Message);
        }
    }

    private void Refuse(NodeName from, string label, string reason, string text)
    {
        Interlocked.Increment(ref _refused);
        _metrics.Dropped(reason);
        if (ShouldLog())
        {
            DeliveryLog.CausalDropped(_logger, from, label, text);
        }
    }

    private void ReportGaps(CausalOrder order, int gaps, string why)
    {
        if (gaps == 0)
        {
            return;
        }

        Interlocked.Add(ref _gaps, gaps);
        for (int i = 0; i < gaps; i++)
        {
            _metrics.Dropped("causal_gap");
        }

        DeliveryLog.CausalGap(_logger, order.Label, gaps, why);
    }

    private bool ShouldLog()
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastLogged);
        return now - last > 1000 && Interlocked.CompareExchange(ref _lastLogged, now, last) == last;
    }

    private CausalOrder? Order(string label)
    {
        lock (_ordersGate)
        {
            if (_orders.TryGetValue(label, out CausalOrder? order))
            {
                return order;
            }

            if (!_options.CausalLabels.Contains(label))
            {
                return null;
            }

            order = new CausalOrder(label, _self, Run, _options.MaxHeldCausalMessages);
            _orders[label] = order;
            return order;
        }
    }

    private CausalOrder[] Orders()
    {
        lock (_ordersGate)
        {
            return [.. _orders.Values];
        }
    }

#pragma warning disable CA2208 // the parameter named is the public API's (ForwardOptions options)
    private static ArgumentException UnknownLabel(string label) =>
        new($"Unknown causal label '{label}'. Configure it in PartisanOptions.Delivery.CausalLabels on every node.", "options");
#pragma warning restore CA2208

    private void EnsureTimer()
    {
        if (Volatile.Read(ref _timer) is not null || _stopped)
        {
            return;
        }

        TimeSpan period = _options.CausalHoldTimeout / 4;
        ITimer timer = _time.CreateTimer(static s => ((CausalStage)s!).Expire(), this, period, period);
        if (Interlocked.CompareExchange(ref _timer, timer, null) is not null)
        {
            timer.Dispose();
        }
    }

    /// <summary>Declares lost what held messages waited for longer than the hold timeout (the timer's tick; tests call it too).</summary>
    internal void Expire()
    {
        long heldSince = _time.GetTimestamp() - (long)(_options.CausalHoldTimeout.TotalSeconds * _time.TimestampFrequency);
        var deliver = new List<HeldMessage>();
        foreach (CausalOrder order in Orders())
        {
            int gaps;
            lock (order)
            {
                deliver.Clear();
                gaps = order.Expire(heldSince, deliver);
                DeliverAll(deliver);
            }

            ReportGaps(order, gaps, $"held longer than Delivery.CausalHoldTimeout ({_options.CausalHoldTimeout})");
        }
    }

    /// <summary>Stops the hold timer.</summary>
    public void Dispose()
    {
        _stopped = true;
        Interlocked.Exchange(ref _timer, null)?.Dispose();
    }
}
