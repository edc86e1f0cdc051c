using System.Collections.Concurrent;
using System.Diagnostics;
using Partisan.Diagnostics;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.RpcTests;

/// <summary>One trace across three nodes: A calls B, whose function calls and casts to C, over memory and over TCP.</summary>
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

    public static TheoryData<bool> Transports => new() { true, false };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_call_from_A_to_B_and_what_B_calls_and_casts_on_C_are_one_trace(bool inMemory)
    {
        await using var nodes = new TestNodes(inMemory ? new InMemoryNetwork() : null);
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);
        (PartisanNode a, PartisanNode b, PartisanNode c) = (cluster[0], cluster[1], cluster[2]);
        var castSeen = new TaskCompletionSource<ActivityTraceId>(TaskCreationOptions.RunContinuationsAsynchronously);

        var atB = new RpcFunctions();
        atB.Register("chain", "relay", async args =>
        {
            Rpc.Cast(b, c.Name, "chain", "noted", []);
            return await Rpc.CallAsync<string>(b, c.Name, "chain", "leaf", []);
        });
        var atC = new RpcFunctions();
        atC.Register("chain", "leaf", _ => Activity.Current?.TraceId.ToHexString());
        atC.Register("chain", "noted", _ =>
        {
            castSeen.TrySetResult(Activity.Current?.TraceId ?? default);
            return null;
        });
        await Rpc.StartServerAsync(a, new RpcFunctions());
        await Rpc.StartServerAsync(b, atB);
        await Rpc.StartServerAsync(c, atC);

        using var root = new Activity("test-root").SetIdFormat(ActivityIdFormat.W3C).Start();
        ActivityTraceId trace = root.TraceId;

        string? leafTrace = await Rpc.CallAsync<string>(a, b.Name, "chain", "relay", []);
        root.Stop();

        Assert.Equal(trace.ToHexString(), leafTrace);
        Assert.Equal(trace, await Eventually.Within(castSeen.Task, "the cast reached C"));

        // Client A→B, server on B, client B→C, server on C, producer B→C (cast), consumer on C.
        await Eventually.True(() => InTrace(trace).Count >= 6, "six Partisan spans of the trace stopped");
        List<Activity> spans = InTrace(trace);
        Activity clientAB = Single(spans, ActivityKind.Client, a);
        Activity serverB = Single(spans, ActivityKind.Server, b);
        Activity clientBC = Single(spans, ActivityKind.Client, b);
        Activity serverC = Single(spans, ActivityKind.Server, c);
        Activity producer = Single(spans, ActivityKind.Producer, b);
        Activity consumer = Single(spans, ActivityKind.Consumer, c);

        Assert.Equal(root.SpanId, clientAB.ParentSpanId);
        Assert.Equal(clientAB.SpanId, serverB.ParentSpanId);
        Assert.Equal(serverB.SpanId, clientBC.ParentSpanId);
        Assert.Equal(clientBC.SpanId, serverC.ParentSpanId);
        Assert.Equal(serverB.SpanId, producer.ParentSpanId);
        Assert.Equal(producer.SpanId, consumer.ParentSpanId);

        Assert.Equal("chain/relay", clientAB.DisplayName);
        Assert.Equal("partisan", clientAB.GetTagItem("rpc.system"));
        Assert.Equal("chain", clientAB.GetTagItem("rpc.service"));
        Assert.Equal("relay", clientAB.GetTagItem("rpc.method"));
        Assert.Equal(b.Name.Value, clientAB.GetTagItem("server.address"));
        Assert.Equal("leaf", serverC.GetTagItem("rpc.method"));
        Assert.Equal("partisan", producer.GetTagItem("messaging.system"));
        Assert.Equal("send", producer.GetTagItem("messaging.operation.type"));
        Assert.Equal("cast", producer.GetTagItem("messaging.operation.name"));
        Assert.Equal(Rpc.ServerName, producer.GetTagItem("messaging.destination.name"));
        Assert.Equal("process", consumer.GetTagItem("messaging.operation.type"));
        Assert.All(spans, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }

    [Fact]
    public async Task A_failed_call_marks_its_client_span_with_the_error_type()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        var functions = new RpcFunctions();
        functions.Register("fail", "now", _ => throw new InvalidOperationException("function failed"));
        await Rpc.StartServerAsync(cluster[1], functions);

        using var root = new Activity("test-root").SetIdFormat(ActivityIdFormat.W3C).Start();
        await Assert.ThrowsAsync<CallFailedException>(() => Rpc.CallAsync(cluster[0], cluster[1].Name, "fail", "now", []));
        root.Stop();

        Activity client = Single(InTrace(root.TraceId), ActivityKind.Client, cluster[0]);
        Assert.Equal(ActivityStatusCode.Error, client.Status);
        Assert.Equal(typeof(CallFailedException).FullName, client.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Sends_are_not_traced_unless_asked_and_then_carry_a_producer_span()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode quiet = await nodes.StartAsync("quiet");
        PartisanNode loud = await nodes.StartAsync("loud", o => o.TraceSends = true);
        Pid sink = quiet.Spawn(static async p => { while (true) { await p.ReceiveAsync(); } });

        using var root = new Activity("test-root").SetIdFormat(ActivityIdFormat.W3C).Start();
        quiet.Send(sink, "untraced");
        loud.Send(sink, "traced");
        root.Stop();

        Activity producer = Assert.Single(InTrace(root.TraceId));
        Assert.Equal(ActivityKind.Producer, producer.Kind);
        Assert.Equal("send", producer.GetTagItem("messaging.operation.name"));
        Assert.Equal(loud.Name.Value, producer.GetTagItem("partisan.node"));
    }

    private List<Activity> InTrace(ActivityTraceId trace) => _stopped.Where(s => s.TraceId == trace).ToList();

    private static Activity Single(List<Activity> spans, ActivityKind kind, PartisanNode node) =>
        Assert.Single(spans, s => s.Kind == kind && Equals(s.GetTagItem("partisan.node"), node.Name.Value));
}
