using System.Collections.Concurrent;
using System.Diagnostics;
using Partisan.Behaviours.Tests.GenStatem;
using Partisan.Diagnostics;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Behaviours.Tests;

/// <summary>Server spans of behaviours: a GenServer's and a state machine's handler runs under a child of the caller's span.</summary>
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PartisanTracing.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_remote_call_to_a_GenServer_and_to_a_state_machine_runs_under_a_server_span_child_of_the_callers()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        await GenServer.StartAsync(cluster[1], () => new CounterServer(), "counter");
        await Partisan.GenStatem.StartAsync(cluster[1], () => new PushButton(), "pushbutton");

        using var root = new Activity("test-root").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(0L, await cluster[0].CallAsync<long>(ProcessRef.ForName("counter", cluster[1].Name), "get"));
        Assert.Equal("on", await Partisan.GenStatem.CallAsync<string>(cluster[0], ProcessRef.ForName("pushbutton", cluster[1].Name), "push"));
        root.Stop();

        await Eventually.True(() => _stopped.Count(s => s.TraceId == root.TraceId && s.Kind == ActivityKind.Server) == 2, "both server spans ended");
        List<Activity> spans = _stopped.Where(s => s.TraceId == root.TraceId).ToList();
        foreach (string service in new[] { "counter", "pushbutton" })
        {
            Activity client = Assert.Single(spans, s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("rpc.service"), service));
            Activity server = Assert.Single(spans, s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("rpc.service"), service));
            Assert.Equal(client.SpanId, server.ParentSpanId);
            Assert.Equal(cluster[1].Name.Value, server.GetTagItem("partisan.node"));
            Assert.Equal("String", server.GetTagItem("rpc.method"));
        }
    }
}
