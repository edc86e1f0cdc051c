using System.Diagnostics;
using Partisan.Diagnostics;

namespace Partisan;

/// <content>Casts and sends under a producer span (only when the <c>Partisan</c> activity source has a listener).</content>
public sealed partial class PartisanNode
{
    private bool CastTraced(ProcessRef server, object request, in ForwardOptions options)
    {
        using Activity? span = Spans.StartProducer("cast", Name, server);
        var cast = new CastRequest(request) { TraceParent = span?.Context ?? Spans.CurrentContext() };
        try
        {
            return ForwardMessage(server.Node, server, cast, options);
        }
        catch (Exception ex) when (Spans.Failed(span, ex))
        {
            throw; // not reached: the filter only records
        }
    }

    private bool ForwardTraced(NodeName node, ProcessRef target, object message, in ForwardOptions options)
    {
        using Activity? span = Spans.StartProducer("send", Name, target);
        try
        {
            return node == Name ? DeliverLocal(target, message) : _router.Forward(node, target, message, options);
        }
        catch (Exception ex) when (Spans.Failed(span, ex))
        {
            throw; // not reached: the filter only records
        }
    }
}
