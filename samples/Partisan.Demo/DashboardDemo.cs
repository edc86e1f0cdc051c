using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Partisan.Dashboard;

namespace Partisan.Demo;

/// <summary>
/// <c>Partisan.Demo --dashboard</c>: three nodes in this process over TCP on 127.0.0.1, a little traffic between them, and
/// the live dashboard of the first node; prints its URL and runs until Ctrl+C (or for <c>--seconds N</c>).
/// </summary>
internal static class DashboardDemo
{
    public static async Task<int> RunAsync(int port, TimeSpan? runFor, CancellationToken cancellationToken)
    {
        var nodes = new List<PartisanNode>();
        try
        {
            foreach (string name in new[] { "alpha", "beta", "gamma" })
            {
                var options = new PartisanOptions { NodeName = $"{name}@127.0.0.1", ClusterSecret = "dashboard-demo-secret" };
                options.ListenAddresses.Add("127.0.0.1:0");
                PartisanNode node = await PartisanNode.StartAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
                nodes.Add(node);
                DashboardAgent.Start(node);
                if (nodes.Count > 1)
                {
                    await node.JoinAsync(nodes[0].ListenAddresses[0], cancellationToken).ConfigureAwait(false);
                }
            }

            // Each node echoes what it gets to the next one now and then, so the edges show traffic.
            var inboxes = new Pid[nodes.Count];
            for (int i = 0; i < nodes.Count; i++)
            {
                inboxes[i] = nodes[i].Spawn(static async p =>
                {
                    while (true)
                    {
                        await p.ReceiveAsync().ConfigureAwait(false);
                    }
                }, "inbox");
            }

            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            WebApplication app = builder.Build();
            await using (app.ConfigureAwait(false))
            {
                app.MapPartisanDashboard("/partisan", nodes[0]);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Dashboard of {nodes[0].Name}: {app.Urls.First().TrimEnd('/')}/partisan/  (Ctrl+C to stop)");

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (runFor is { } limit)
                {
                    stop.CancelAfter(limit);
                }

                using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
                int round = 0;
                try
                {
                    while (await tick.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
                    {
                        round++;
                        PartisanNode from = nodes[round % nodes.Count];
                        from.Send(inboxes[(round + 1) % nodes.Count], $"hello {round}");
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Ctrl+C or --seconds.
                }

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            foreach (PartisanNode node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
