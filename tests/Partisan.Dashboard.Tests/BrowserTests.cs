using System.Diagnostics;
using Microsoft.Playwright;
using Partisan.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Partisan.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's chromium (never a downloaded one), driven by Playwright. A missing chromium
/// fails the test with what to install; it is never skipped.
/// </summary>
public class BrowserTests(ITestOutputHelper output)
{
    private static string Chromium()
    {
        string path = Environment.GetEnvironmentVariable("PARTISAN_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(
            File.Exists(path),
            $"No chromium at {path}. The dashboard's browser test needs Debian's chromium: apt-get install chromium (.ci/run installs it), or set PARTISAN_CHROMIUM to a Chromium executable.");
        return path;
    }

    [Fact]
    public async Task The_page_shows_the_three_nodes_and_a_stopped_node_disappears_within_two_seconds()
    {
        string chromium = Chromium();
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(3);
        foreach (PartisanNode node in cluster)
        {
            DashboardAgent.Start(node);
        }

        await using DashboardHost host = await DashboardHost.StartAsync(cluster[0]);
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
            Timeout = 60_000,
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(host.Url);

        ILocator graphNodes = page.Locator("#graph [data-node]");
        await Expect(graphNodes).ToHaveCountAsync(3, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        foreach (PartisanNode node in cluster)
        {
            await Expect(page.Locator($"#graph [data-node='{node.Name.Value}']")).ToHaveCountAsync(1);
        }

        await Expect(page.Locator("#graph line.active")).ToHaveCountAsync(3, new LocatorAssertionsToHaveCountOptions { Timeout = 10_000 });
        await Expect(page.Locator(".node-panel")).ToHaveCountAsync(3);
        string screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");

        PartisanNode stopped = cluster[2];
        var clock = Stopwatch.StartNew();
        await nodes.StopAsync(stopped);
        await Expect(page.Locator($"#graph [data-node='{stopped.Name.Value}']")).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 2_000 });
        output.WriteLine($"{stopped.Name} left the page {clock.ElapsedMilliseconds} ms after it stopped");
        await Expect(graphNodes).ToHaveCountAsync(2);
        await Expect(page.Locator("#log li", new PageLocatorOptions { HasText = "down" }).First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 2_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-after-stop.png"), FullPage = true });
    }
}
