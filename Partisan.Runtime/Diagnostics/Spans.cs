using System.Diagnostics;
using static Partisan.Diagnostics.SpanAttributes;

namespace Partisan.Diagnostics;

/// <summary>
/// Starts Partisan's spans. Every method first asks <see cref="ActivitySource.HasListeners"/>, so with no listener a
/// call, cast or send costs one check and allocates nothing.
/// </summary>
internal static class Spans
{
    private static ActivitySource Source => PartisanTracing.Source;

    /// <summary>True when someone listens to the <c>Partisan</c> source.</summary>
    public static bool Enabled => Source.HasListeners();

    /// <summary>The client span of a call from <paramref name="self"/> to <paramref name="server"/> (it becomes <see cref="Activity.Current"/>).</summary>
    public static Activity? StartCall(NodeName self, ProcessRef server, object request)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        (string? service, string method) = Describe(server.Name, request);
        Activity? activity = Source.StartActivity(Name(service, method), ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            SetRpc(activity, service, method, self);
            activity.SetTag(ServerAddress, server.Node.Value);
            activity.SetTag(Target, server.ToString());
        }

        return activity;
    }

    /// <summary>The server span of a call handled on <paramref name="self"/>, child of the caller's <paramref name="parent"/> (a new trace when it has none).</summary>
    public static Activity? StartServer(NodeName self, ActivityContext parent, object request, string? processName)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        (string? service, string method) = Describe(processName, request);
        Activity? activity = Source.StartActivity(Name(service, method), ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            SetRpc(activity, service, method, self);
        }

        return activity;
    }

    /// <summary>The producer span of a cast or a send (<paramref name="operation"/>) to <paramref name="target"/>.</summary>
    public static Activity? StartProducer(string operation, NodeName self, ProcessRef target)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        string destination = Destination(target.Name);
        Activity? activity = Source.StartActivity(operation + " " + destination, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            SetMessaging(activity, "send", operation, destination, self);
            activity.SetTag(ServerAddress, target.Node.Value);
            activity.SetTag(Target, target.ToString());
        }

        return activity;
    }

    /// <summary>The consumer span of a cast handled on <paramref name="self"/>, child of the sender's <paramref name="parent"/>.</summary>
    public static Activity? StartConsumer(NodeName self, ActivityContext parent, string? processName)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        string destination = Destination(processName);
        Activity? activity = Source.StartActivity("process " + destination, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            SetMessaging(activity, "process", "cast", destination, self);
        }

        return activity;
    }

    /// <summary>The context a request sent now should carry: the current activity's, when someone listens.</summary>
    public static ActivityContext CurrentContext() =>
        Source.HasListeners() && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Context : default;

    /// <summary>Marks <paramref name="activity"/> failed by <paramref name="error"/>; always false, to use in an exception filter.</summary>
    public static bool Failed(Activity? activity, Exception error)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.SetTag(ErrorType, error.GetType().FullName);
        }

        return false;
    }

    private static (string? Service, string Method) Describe(string? processName, object request) =>
        request is ITracedRequest traced ? (traced.TraceService, traced.TraceMethod) : (processName, request.GetType().Name);

    private static string Name(string? service, string method) => service is null ? method : service + "/" + method;

    // A pid is not a low-cardinality destination; registered names are.
    private static string Destination(string? processName) => processName ?? "(pid)";

    private static void SetRpc(Activity activity, string? service, string method, NodeName self)
    {
        activity.SetTag(RpcSystem, SpanAttributes.System);
        if (service is not null)
        {
            activity.SetTag(RpcService, service);
        }

        activity.SetTag(RpcMethod, method);
        activity.SetTag(Node, self.Value);
    }

    private static void SetMessaging(Activity activity, string type, string operation, string destination, NodeName self)
    {
        activity.SetTag(MessagingSystem, SpanAttributes.System);
        activity.SetTag(MessagingOperationType, type);
        activity.SetTag(MessagingOperationName, operation);
        activity.SetTag(MessagingDestination, destination);
        activity.SetTag(Node, self.Value);
    }
}
