using Partisan.Channels;

namespace Partisan.Routing;

/// <summary>One stage of the <see cref="DeliveryPipeline"/>. Called on the sender's thread (outbound) or the connection's reader (inbound): keep it short and thread-safe.</summary>
internal interface IDeliveryStage
{
    /// <summary>A user message on its way out; return <see cref="StageResult.Consumed"/> to take it (the stage then owns it).</summary>
    StageResult OnOutbound(ref OutboundMessage message);

    /// <summary>A user message decoded and about to be delivered; return <see cref="StageResult.Consumed"/> to take it.</summary>
    StageResult OnInbound(ref InboundMessage message);
}

/// <summary>What a stage did with a message.</summary>
internal enum StageResult
{
    /// <summary>Pass it to the next stage (and finally the connection or the mailbox).</summary>
    Continue,

    /// <summary>The stage took it: it is held, dropped, or sent on by the stage itself.</summary>
    Consumed,

    /// <summary>The stage refused it (outbound: the send reports false, e.g. the acknowledgement store is full).</summary>
    Refused,
}

/// <summary>A user message on its way to <see cref="Destination"/>.</summary>
internal struct OutboundMessage
{
    public NodeName Destination;
    public ProcessRef Target;
    public object Message;
    public ForwardOptions Options;

    /// <summary>Header fields to send with it (acknowledgement id, causal clock, trace context); a stage sets its own. Left out toward a version 1 peer.</summary>
    public FrameExtensions Extensions;
}

/// <summary>A user message that arrived from <see cref="From"/>.</summary>
internal struct InboundMessage
{
    public NodeName From;
    public ProcessRef Target;
    public object Message;

    /// <summary>The header fields it came with (none from a version 1 peer). Byte fields are valid during the stage's call only.</summary>
    public FrameExtensions Extensions;
}
