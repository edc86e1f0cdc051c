using System.Text.Json;
using Partisan.Tests.Support;

namespace Partisan.Dashboard.Tests;

public class ClusterEndpointTests
{
    [Fact]
    public async Task Any_nodes_dashboard_reports_every_node_of_the_cluster_by_asking_them_over_Partisan()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);
        foreach (PartisanNode node in cluster)
        {
            DashboardAgent.Start(node);
        }

        await using DashboardHost host = await DashboardHost.StartAsync(cluster[1]);
        using var http = new HttpClient();

        // A node that does not answer within the ask timeout (a cold start on a loaded machine) is left out of that
        // snapshot and back in the next one; the page refreshes every 500 ms.
        string json = "";
        string[] reported = [];
        await Eventually.True(
            async () =>
            {
                json = await http.GetStringAsync(host.Url + "cluster");
                using JsonDocument snapshot = JsonDocument.Parse(json);
                reported = snapshot.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()!).Order().ToArray();
                return reported.Length == 3;
            },
            "the cluster snapshot has all three nodes");
        using JsonDocument page = JsonDocument.Parse(json);
        Assert.Equal(cluster[1].Name.Value, page.RootElement.GetProperty("self").GetString());
        Assert.Equal(cluster.Select(n => n.Name.Value).Order(), reported);
        JsonElement first = page.RootElement.GetProperty("nodes")[0];
        Assert.Equal("FullMeshOverlay", first.GetProperty("overlay").GetString());
        Assert.Contains(first.GetProperty("processes").EnumerateArray(), p => p.GetProperty("name").GetString() == DashboardAgent.ProcessName);
        Assert.Contains(first.GetProperty("connections").EnumerateArray(), c => c.GetProperty("state").GetString() == "Connected");

        string html = await http.GetStringAsync(host.Url);
        Assert.Contains("<svg id=\"graph\"", html, StringComparison.Ordinal);
        Assert.Contains("EventSource", await http.GetStringAsync(host.Url + "app.js"), StringComparison.Ordinal);
    }
}
