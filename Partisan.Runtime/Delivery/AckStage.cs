using Microsoft.Extensions.Logging;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Routing;

namespace Partisan.Delivery;

/// <summary>
/// The delivery stage of acknowledged delivery. Outbound: a message asked to be acknowledged is taken into the
/// <see cref="AckOutbox"/> (refused when it is full). Inbound: a message with an ack id passes its sender's
/// <see cref="DedupWindow"/>: new, it is acknowledged and delivered; a duplicate is acknowledged again and dropped;
/// anything else (stale run, too far ahead, too many senders) is dropped unacknowledged and logged.
/// </summary>
internal sealed class AckStage : IDeliveryStage
{
    private readonly AckOutbox _outbox;
    private readonly AckReceiver _receiver;
    private readonly Action<NodeName, AckMessage, long> _sendAck;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly HashSet<string>? _ackChannels;
    private long _lastLogged;

    public AckStage(AckOutbox outbox, AckReceiver receiver, Action<NodeName, AckMessage, long> sendAck, IReadOnlyList<ChannelOptions> channels, PartisanMetrics metrics, ILogger logger)
    {
        _outbox = outbox;
        _receiver = receiver;
        _sendAck = sendAck;
        _metrics = metrics;
        _logger = logger;
        foreach (ChannelOptions channel in channels)
        {
            if (channel.Ack)
            {
                (_ackChannels ??= new HashSet<string>(StringComparer.Ordinal)).Add(channel.Name);
            }
        }
    }

    /// <summary>Duplicates received and dropped (acknowledged again).</summary>
    public long Duplicates;

    /// <summary>Acknowledged messages dropped unacknowledged (stale run, too far ahead, too many senders).</summary>
    public long Refused;

    /// <summary>True when a channel sends every message with acknowledged delivery (<see cref="ChannelOptions.Ack"/>).</summary>
    public bool HasAckChannels => _ackChannels is not null;

    /// <summary>True when <paramref name="options"/> (or its channel) asks for acknowledged delivery.</summary>
    public bool Wants(in ForwardOptions options) =>
        options.Ack || (_ackChannels is { } channels && channels.Contains(options.Channel ?? ChannelOptions.DefaultName));

    /// <inheritdoc />
    public StageResult OnOutbound(ref OutboundMessage message)
    {
        if (!Wants(message.Options))
        {
            return StageResult.Continue;
        }

        try
        {
            if (_outbox.TrySend(message.Destination, message.Target, message.Message, message.Options, message.Extensions, done: null, out _))
            {
                return StageResult.Consumed;
            }

            _metrics.Dropped("ack_store_full");
        }
        catch (DeliveryFailedException ex)
        {
            _metrics.Dropped(ex.Reason == DeliveryFailure.Unsupported ? "ack_unsupported" : "unknown_node");
        }

        return StageResult.Refused;
    }

    /// <inheritdoc />
    public StageResult OnInbound(ref InboundMessage message)
    {
        // Acknowledged delivery sends both fields; an ack id alone is not ours to settle, and is delivered as a plain message.
        if (message.Extensions.AckId is not { } sequence || message.Extensions.AckContext is not { } context)
        {
            return StageResult.Continue;
        }

        DedupVerdict verdict = _receiver.Admit(message.From, context, sequence);
        switch (verdict)
        {
            case DedupVerdict.New:
                _sendAck(message.From, new AckMessage(context.Epoch, sequence), (long)sequence);
                return StageResult.Continue;
            case DedupVerdict.Duplicate:
                Interlocked.Increment(ref Duplicates);
                _sendAck(message.From, new AckMessage(context.Epoch, sequence), (long)sequence);
                return StageResult.Consumed;
            default:
                Interlocked.Increment(ref Refused);
                _metrics.Dropped("ack_" + (verdict == DedupVerdict.Stale ? "stale" : verdict == DedupVerdict.TooFarAhead ? "too_far_ahead" : "too_many_senders"));
                long now = Environment.TickCount64;
                if (now - Interlocked.Read(ref _lastLogged) > 1000)
                {
                    Interlocked.Exchange(ref _lastLogged, now);
                    DeliveryLog.AckedMessageDropped(_logger, message.From, $"{verdict} (sequence {sequence}, run {context.Epoch})");
                }

                return StageResult.Consumed;
        }
    }
}
