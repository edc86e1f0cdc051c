using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Partisan.Dashboard.Tests;

/// <summary>An ASP.NET Core app on 127.0.0.1 (ephemeral port) serving one node's dashboard.</summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The dashboard page's address.</summary>
    public string Url { get; }

    public static async Task<DashboardHost> StartAsync(PartisanNode node)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPartisanDashboard("/partisan", node);
        await app.StartAsync();
        return new DashboardHost(app, app.Urls.First().TrimEnd('/') + "/partisan/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
