using Partisan.Channels;
using Partisan.Routing;

namespace Partisan.Faults;

/// <summary>
/// The delivery stage of fault injection (last outbound, so first inbound): runs the <see cref="FaultInjector"/>'s
/// interposition functions and predicate rules on user messages. A delayed message is sent on (or delivered through the
/// remaining stages) later, on the node's clock. Acknowledged messages never reach it outbound: the acknowledgement store
/// interposes on each of their transmissions itself.
/// </summary>
internal sealed class FaultStage : IDeliveryStage
{
    [ThreadStatic]
    private static bool _replaying;

    private readonly FaultInjector _faults;
    private readonly Router _router;
    private readonly InboundDispatcher _dispatcher;

    public FaultStage(FaultInjector faults, Router router, InboundDispatcher dispatcher)
    {
        _faults = faults;
        _router = router;
        _dispatcher = dispatcher;
    }

    /// <inheritdoc />
    public StageResult OnOutbound(ref OutboundMessage message)
    {
        InterpositionResult result = _faults.Interpose(FaultDirection.Send, message.Destination, message.Message);
        switch (result.Kind)
        {
            case InterpositionKind.Drop:
                return StageResult.Consumed;
            case InterpositionKind.Replace:
                message.Message = result.Replacement!;
                return StageResult.Continue;
            case InterpositionKind.Duplicate:
                _router.ForwardUnstaged(message.Destination, message.Target, message.Message, message.Options, message.Extensions);
                return StageResult.Continue;
            case InterpositionKind.Delay:
                OutboundMessage held = message;
                _faults.Later(result.Delay, () => _router.ForwardUnstaged(held.Destination, held.Target, held.Message, held.Options, held.Extensions));
                return StageResult.Consumed;
            default:
                return StageResult.Continue;
        }
    }

    /// <inheritdoc />
    public StageResult OnInbound(ref InboundMessage message)
    {
        if (_replaying)
        {
            return StageResult.Continue;
        }

        InterpositionResult result = _faults.Interpose(FaultDirection.Receive, message.From, message.Message);
        switch (result.Kind)
        {
            case InterpositionKind.Drop:
                return StageResult.Consumed;
            case InterpositionKind.Replace:
                message.Message = result.Replacement!;
                return StageResult.Continue;
            case InterpositionKind.Duplicate:
                Replay(message);
                return StageResult.Continue;
            case InterpositionKind.Delay:
                InboundMessage held = message; // byte fields of the extensions are copies (FrameExtensionsCodec), safe to keep
                _faults.Later(result.Delay, () => Replay(held));
                return StageResult.Consumed;
            default:
                return StageResult.Continue;
        }
    }

    private void Replay(InboundMessage message)
    {
        bool was = _replaying;
        _replaying = true;
        try
        {
            FrameExtensions extensions = message.Extensions;
            _dispatcher.DeliverMessage(message.From, message.Target, message.Message, extensions);
        }
        finally
        {
            _replaying = was;
        }
    }
}
