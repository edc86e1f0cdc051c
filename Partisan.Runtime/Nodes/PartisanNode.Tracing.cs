using System.Diagnostics;
using Partisan.Diagnostics;
using Partisan.Routing;

namespace Partisan;

/// <content>Casts and sends under a producer span (only when the <c>Partisan</c> activity source has a listener).</content>
public sealed partial class PartisanNode
{
    private readonly TraceContextStage _traceContext = new();
    private volatile bool _traceContextInstalled;

    /// <summary>
    /// Installs the trace-context stage (both directions), once: at construction when <see cref="PartisanOptions.PropagateTraceContext"/>
    /// is set or the <c>Partisan</c> source already has a listener, else when this node first starts a span. Until then
    /// sends pay nothing for tracing.
    /// </summary>
    internal void InstallTraceContext()
    {
        if (!_traceContextInstalled)
        {
            Pipeline.Install(_traceContext, StageOrder.TraceContext, StageDirections.Both);
            _traceContextInstalled = true;
        }
    }

    private bool CastTraced(ProcessRef server, object request, in ForwardOptions options)
    {
        using Activity? span = Spans.StartProducer("cast", Name, server);
        if (span is not null)
        {
            InstallTraceContext();
        }

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
        if (span is not null)
        {
            InstallTraceContext();
        }

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
