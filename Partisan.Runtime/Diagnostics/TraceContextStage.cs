using System.Diagnostics;
using Partisan.Routing;

namespace Partisan.Diagnostics;

/// <summary>
/// A delivery stage that sends the sender's W3C trace context (<see cref="Activity.Current"/>) with each user message,
/// in the trace-context header field (protocol version 2; left out toward a version 1 peer). The receiver finds it in
/// <see cref="InboundMessage.Extensions"/>; this stage hands it to the call or cast it came with
/// (<see cref="CallRequest.TraceParent"/>, <see cref="CastRequest.TraceParent"/>) so the behaviour handling it starts its
/// span as a child of the sender's. Installed by <see cref="PartisanNode.InstallTraceContext"/>.
/// </summary>
internal sealed class TraceContextStage : IDeliveryStage
{
    /// <inheritdoc />
    public StageResult OnOutbound(ref OutboundMessage message)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity && message.Extensions.TraceContext is null)
        {
            message.Extensions.TraceContext = activity.Context;
        }

        return StageResult.Continue;
    }

    /// <inheritdoc />
    public StageResult OnInbound(ref InboundMessage message)
    {
        if (message.Extensions.TraceContext is { } context)
        {
            switch (message.Message)
            {
                case CallRequest call:
                    call.TraceParent = context;
                    break;
                case CastRequest cast:
                    cast.TraceParent = context;
                    break;
            }
        }

        return StageResult.Continue;
    }
}
