using Microsoft.Extensions.Logging;
using Partisan.Calls;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Diagnostics;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Routing;

/// <summary>
/// Where decoded frames go: user messages through the delivery pipeline to local mailboxes, control messages to
/// the subsystem registered for their type (<see cref="ControlMessageRegistry"/>), relay frames to this node when
/// it is their destination, else one hop on. Called on connections' readers.
/// </summary>
internal sealed class InboundDispatcher : IInboundHandler
{
    private readonly PartisanNode _node;
    private readonly ControlMessageRegistry _controls;
    private readonly DeliveryPipeline _pipeline;
    private readonly MessageCodec _codec;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private Router _router = null!;

    public InboundDispatcher(PartisanNode node, ControlMessageRegistry controls, DeliveryPipeline pipeline, MessageCodec codec, PartisanMetrics metrics, ILogger logger)
    {
        _node = node;
        _controls = controls;
        _pipeline = pipeline;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The router that relays frames meant for other nodes.</summary>
    public void UseRouter(Router router) => _router = router;

    /// <inheritdoc />
    public void DeliverMessage(NodeName from, ProcessRef target, object? message, in FrameExtensions extensions)
    {
        // One field test and one length check for a message no stage wants (a plain one when only acknowledged
        // delivery is in use: its stage sees only messages with the acknowledgement fields).
        IDeliveryStage[] stages = _pipeline.InboundStages(extensions);
        if (message is not null && stages.Length != 0)
        {
            var staged = new InboundMessage { From = from, Target = target, Message = message, Extensions = extensions };
            if (!DeliveryPipeline.Inbound(stages, ref staged))
            {
                return;
            }

            (target, message) = (staged.Target, staged.Message);
        }

        DeliverUnstaged(target, message);
    }

    /// <summary>Delivers to the local mailbox without the pipeline (for stages that deliver what they held).</summary>
    public void DeliverUnstaged(ProcessRef target, object? message)
    {
        if (message is null || !_node.DeliverLocal(target, message))
        {
            _metrics.Dropped("no_process");
            if (message is CallRequest call)
            {
                _node.Calls.SendFailure(call.Tag, ExitReason.NoProc, null, null);
            }
        }
    }

    /// <inheritdoc />
    public void HandleControl(NodeName from, object? message)
    {
        if (message is not null && _controls.Find(message) is { } handler)
        {
            handler(from, message);
            return;
        }

        Log.BadControlMessage(_logger, from, $"unexpected control message {message?.GetType().Name ?? "null"}");
    }

    /// <inheritdoc />
    public void HandleRelay(NodeName from, ChannelOptions channel, MessageFlags allowed, ref WireReader reader)
    {
        RelayHeader header = RelayHeader.Read(ref reader);
        if (header.Destination != _node.Name)
        {
            _router.RelayOnward(header, channel, reader.UnreadSequence);
            return;
        }

        FrameType inner;
        try
        {
            inner = (FrameType)reader.ReadByte();
        }
        catch (WireFormatException ex)
        {
            throw new ProtocolException("Malformed relay frame: " + ex.Message, ex);
        }

        switch (inner)
        {
            case FrameType.Message:
                FrameDispatch.Message(ref reader, _codec, _node.Name, header.Origin, channel, allowed, this);
                break;
            case FrameType.Control:
                FrameDispatch.Control(ref reader, header.Origin, channel.Name, this);
                break;
            default:
                throw new ProtocolException($"A relay frame carries frame type {(byte)inner}; only Message and Control are relayed.");
        }
    }

    /// <inheritdoc />
    public void MessageDropped(NodeName from, string channel, Exception error)
    {
        _metrics.Dropped("undecodable");
        Log.UndecodableMessage(_logger, from, channel, error.Message);
    }
}
