// One trace across three nodes, exported by the OpenTelemetry SDK's console exporter: a client on node a calls
// "inventory:reserve" on node b, whose function calls "pricing:quote" on node c and casts "audit:log" to it.
// Exits non-zero unless every Partisan span it saw belongs to the one trace the client started.
using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Partisan;
using Partisan.Diagnostics;
using Partisan.Tracing;

using var app = new ActivitySource("Partisan.Tracing.Sample");
var spans = new ConcurrentQueue<Activity>();
using TracerProvider tracing = Sdk.CreateTracerProviderBuilder()
    .ConfigureResource(r => r.AddService("partisan-tracing-sample"))
    .AddSource(PartisanTracing.SourceName, app.Name)
    .AddProcessor(new Collect(spans))
    .AddConsoleExporter()
    .Build();

var nodes = new List<PartisanNode>();
try
{
    foreach (string name in new[] { "a", "b", "c" })
    {
        var options = new PartisanOptions { NodeName = $"{name}@127.0.0.1", ClusterSecret = "tracing-sample-secret" };
        options.ListenAddresses.Add("127.0.0.1:0");
        nodes.Add(await PartisanNode.StartAsync(options));
    }

    (PartisanNode a, PartisanNode b, PartisanNode c) = (nodes[0], nodes[1], nodes[2]);
    await b.JoinAsync(a.ListenAddresses[0]);
    await c.JoinAsync(a.ListenAddresses[0]);
    using var joined = new CancellationTokenSource(TimeSpan.FromSeconds(30));
    while (!(a.Nodes().Count == 2 && b.Nodes().Count == 2 && c.Nodes().Count == 2))
    {
        await Task.Delay(20, joined.Token);
    }

    var atB = new RpcFunctions();
    atB.Register("inventory", "reserve", async args =>
    {
        Rpc.Cast(b, c.Name, "audit", "log", ["reserve " + args[0]]);
        return await Rpc.CallAsync<int>(b, c.Name, "pricing", "quote", [args[0]]);
    });
    var audited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var atC = new RpcFunctions();
    atC.Register("pricing", "quote", args => ((string)args[0]!).Length * 100);
    atC.Register("audit", "log", _ =>
    {
        audited.TrySetResult();
        return null;
    });
    await Rpc.StartServerAsync(b, atB);
    await Rpc.StartServerAsync(c, atC);

    ActivityTraceId trace;
    using (Activity? checkout = app.StartActivity("checkout"))
    {
        trace = checkout!.TraceId;
        int price = await Rpc.CallAsync<int>(a, b.Name, "inventory", "reserve", ["widget"]);
        Console.WriteLine($"price: {price}");
    }

    await audited.Task.WaitAsync(TimeSpan.FromSeconds(30));

    // Server spans end when their handler returns; wait (bounded) until all seven spans have ended.
    using var ended = new CancellationTokenSource(TimeSpan.FromSeconds(30));
    while (spans.Count < 7)
    {
        await Task.Delay(20, ended.Token);
    }

    int inTrace = spans.Count(s => s.TraceId == trace);
    Console.WriteLine($"trace {trace}: {inTrace} of {spans.Count} spans, on nodes {string.Join(", ", spans.Select(s => s.GetTagItem("partisan.node")).OfType<string>().Distinct().Order())}");
    return inTrace == spans.Count && inTrace == 7 ? 0 : 1;
}
finally
{
    foreach (PartisanNode node in nodes)
    {
        await node.DisposeAsync();
    }
}
