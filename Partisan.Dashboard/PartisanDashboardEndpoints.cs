using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Partisan.Dashboard;

/// <summary>Maps the live cluster dashboard on an ASP.NET Core app.</summary>
public static class PartisanDashboardEndpoints
{
    /// <summary>How long the dashboard waits for another node's snapshot.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(750);

    /// <summary>How often the page gets a new cluster snapshot.</summary>
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Serves the dashboard of <paramref name="node"/> (default: the <see cref="PartisanNode"/> of the app's services) under
    /// <paramref name="pattern"/>: the page and its embedded assets, <c>cluster</c> (the cluster snapshot as JSON) and
    /// <c>events</c> (the same, pushed as server-sent events). Starts the node's <see cref="DashboardAgent"/>; run one on
    /// every node (<see cref="DashboardAgent.Start"/>) so each shows up.
    /// </summary>
    public static RouteGroupBuilder MapPartisanDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/partisan", PartisanNode? node = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        PartisanNode local = node ?? endpoints.ServiceProvider.GetRequiredService<PartisanNode>();
        DashboardAgent.Start(local);

        RouteGroupBuilder group = endpoints.MapGroup(pattern);
        group.MapGet("/", (HttpContext context) =>
        {
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                // The page's assets are relative to it.
                context.Response.Redirect(context.Request.PathBase + context.Request.Path + "/");
                return Task.CompletedTask;
            }

            return Asset(context, "index.html", "text/html; charset=utf-8");
        });
        group.MapGet("/app.js", (HttpContext context) => Asset(context, "app.js", "text/javascript; charset=utf-8"));
        group.MapGet("/app.css", (HttpContext context) => Asset(context, "app.css", "text/css; charset=utf-8"));
        group.MapGet("/cluster", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(await ClusterSnapshots.CollectJsonAsync(local, AskTimeout, context.RequestAborted).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false);
        });
        group.MapGet("/events", (HttpContext context) => StreamAsync(context, local));
        return group;
    }

    private static async Task StreamAsync(HttpContext context, PartisanNode node)
    {
        CancellationToken aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        using var timer = new PeriodicTimer(UpdateInterval);
        try
        {
            do
            {
                string json = await ClusterSnapshots.CollectJsonAsync(node, AskTimeout, aborted).ConfigureAwait(false);
                await context.Response.WriteAsync("data: " + json + "\n\n", aborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(aborted).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static async Task Asset(HttpContext context, string name, string contentType)
    {
        Stream? asset = Assembly.GetExecutingAssembly().GetManifestResourceStream("Partisan.Dashboard.Assets." + name);
        if (asset is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using (asset.ConfigureAwait(false))
        {
            context.Response.ContentType = contentType;
            await asset.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
