using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Partisan.Hosting;
using Partisan.Membership;
using Partisan.Tests.Support;

namespace Partisan.Tests.Hosting;

public class PartisanHostedServiceTests
{
    private static async Task<bool> AcceptsConnections(ListenAddress address)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(address.Host, address.Port).WaitAsync(TimeSpan.FromSeconds(10));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Host_starts_the_node_and_stopping_the_host_stops_it()
    {
        await using PartisanTestHost host = PartisanTestHost.Create(PartisanTestHost.Settings("h"));
        await host.StartAsync();

        PartisanNode node = host.Node;
        ListenAddress address = Assert.Single(node.ListenAddresses);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        Assert.True(await AcceptsConnections(address), "the node listens once the host has started");
        Assert.Equal([node.Name], host.Host.Services.GetRequiredService<IPeerServiceManager>().Members);
        Assert.Single(host.Logs.WithEvent(5001));
        LogEntry started = Assert.Single(host.Logs.WithEvent(5002));
        Assert.Equal(HostingLog.Category, started.Category);
        Assert.Contains(address.ToString(), started.Message, StringComparison.Ordinal);

        await host.StopAsync();

        Assert.Single(host.Logs.WithEvent(5004));
        Assert.Single(host.Logs.WithEvent(5005));
        Assert.Empty(host.Logs.WithEvent(5006));
        Assert.False(await AcceptsConnections(address), "the node stopped listening when the host stopped");
    }

    [Fact]
    public async Task Second_host_joins_the_first_through_its_seed_and_sees_it_stop()
    {
        await using PartisanTestHost first = PartisanTestHost.Create(PartisanTestHost.Settings("seed"));
        await first.StartAsync();
        PartisanNode a = first.Node;

        Dictionary<string, string?> settings = PartisanTestHost.Settings("joiner");
        settings["Seeds:0"] = a.ListenAddresses[0].ToString();
        await using PartisanTestHost second = PartisanTestHost.Create(settings);
        await second.StartAsync();
        PartisanNode b = second.Node;

        await Eventually.True(() => TestNodes.AllSee([a, b]), "both hosted nodes are members of each other and connected");
        await Eventually.Within(second.Host.Services.GetRequiredService<PartisanHostedService>().SeedsJoined.ContinueWith(_ => true, TaskScheduler.Default), "the seed join to finish");
        LogEntry joined = Assert.Single(second.Logs.WithEvent(5007));
        Assert.Contains(a.ListenAddresses[0].ToString(), joined.Message, StringComparison.Ordinal);
        Assert.Empty(second.Logs.WithEvent(5008));

        var down = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable subscription = a.OnDown((_, reason) => down.TrySetResult(reason), b.Name);
        await second.StopAsync();

        await Eventually.Within(down.Task, $"{a.Name} to see {b.Name} go down");
        await Eventually.True(() => !a.Nodes().Contains(b.Name), $"{b.Name} is no longer connected to {a.Name}");
    }

    [Fact]
    public async Task A_seed_that_is_down_does_not_block_start_and_is_retried_until_it_is_up()
    {
        int port = PartisanTestHost.FreePort();
        string seed = "127.0.0.1:" + port;
        Dictionary<string, string?> settings = PartisanTestHost.Settings("patient");
        settings["Seeds:0"] = seed;
        await using PartisanTestHost joiner = PartisanTestHost.Create(settings);
        await joiner.StartAsync(); // completes although the seed is down
        PartisanHostedService service = joiner.Host.Services.GetRequiredService<PartisanHostedService>();
        Assert.False(service.SeedsJoined.IsCompleted);

        await Eventually.True(() => joiner.Logs.WithEvent(5008).Count >= 2, "two failed attempts are logged");
        LogEntry failure = joiner.Logs.WithEvent(5008)[0];
        Assert.Equal(LogLevel.Warning, failure.Level);
        Assert.Contains(seed, failure.Message, StringComparison.Ordinal);
        Assert.Contains("Cannot join", failure.Message, StringComparison.Ordinal);

        Dictionary<string, string?> seedSettings = PartisanTestHost.Settings("late");
        seedSettings["ListenAddresses:0"] = seed;
        await using PartisanTestHost late = PartisanTestHost.Create(seedSettings);
        await late.StartAsync();

        await Eventually.True(() => TestNodes.AllSee([joiner.Node, late.Node]), "the joiner joined the seed once it came up");
        await Eventually.Within(service.SeedsJoined.ContinueWith(_ => true, TaskScheduler.Default), "the seed join to finish");
        Assert.Single(joiner.Logs.WithEvent(5007));
    }

    [Fact]
    public async Task A_seed_with_another_cluster_secret_is_logged_and_does_not_fail_start()
    {
        await using PartisanTestHost first = PartisanTestHost.Create(PartisanTestHost.Settings("guarded", secret: "first-cluster-secret"));
        await first.StartAsync();

        Dictionary<string, string?> settings = PartisanTestHost.Settings("intruder", secret: "other-cluster-secret");
        settings["Seeds:0"] = first.Node.ListenAddresses[0].ToString();
        await using PartisanTestHost second = PartisanTestHost.Create(settings);
        await second.StartAsync();

        await Eventually.True(() => second.Logs.WithEvent(5008).Count > 0, "the failed join is logged");
        LogEntry failure = second.Logs.WithEvent(5008)[0];
        Assert.Equal(LogLevel.Warning, failure.Level);
        Assert.Contains("cluster secret", failure.Message, StringComparison.Ordinal);
        Assert.Equal([first.Node.Name], first.Node.Members());
        Assert.Equal([second.Node.Name], second.Node.Members());

        await second.StopAsync(); // retrying does not hold up the stop
        Assert.Single(second.Logs.WithEvent(5005));
    }

    [Fact]
    public async Task Seeds_that_are_the_nodes_own_address_are_skipped()
    {
        int port = PartisanTestHost.FreePort();
        Dictionary<string, string?> settings = PartisanTestHost.Settings("self");
        settings["ListenAddresses:0"] = "127.0.0.1:" + port;
        settings["Seeds"] = $"127.0.0.1:{port},localhost:{port}";
        await using PartisanTestHost host = PartisanTestHost.Create(settings);
        await host.StartAsync();

        Assert.True(host.Host.Services.GetRequiredService<PartisanHostedService>().SeedsJoined.IsCompleted);
        Assert.Equal(2, host.Logs.WithEvent(5009).Count);
        Assert.Empty(host.Logs.WithEvent(5008));
        Assert.Contains("joining 0 seed(s)", Assert.Single(host.Logs.WithEvent(5002)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_configuration_fails_host_start_listing_every_problem()
    {
        Dictionary<string, string?> settings = PartisanTestHost.Settings("invalid");
        settings["NodeName"] = "no-host";
        settings["ClusterSecret"] = "short";
        settings["Channels:0:Name"] = "rpc";
        settings["Channels:0:Parallelism"] = "0";
        settings["Channels:1:Name"] = "bulk";
        settings["Channels:1:Compression"] = "Zip";
        settings["KeepAlive:IdleTimeout"] = "-00:00:01";
        await using PartisanTestHost host = PartisanTestHost.Create(settings);

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains("NodeName: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClusterSecret must be at least 8 characters.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Partisan:Channels:0: Channel 'rpc': parallelism must be between 1 and 64, not 0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Partisan:Channels:1:Compression: 'Zip' is not one of None, Deflate, Brotli.", error.Message, StringComparison.Ordinal);
        Assert.Contains("KeepAlive.IdleTimeout must be positive", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, error.Failures.Count());
        Assert.Empty(host.Logs.WithEvent(5001)); // the node was never started
    }

    [Fact]
    public async Task Configuration_warnings_are_logged_when_the_node_starts()
    {
        Dictionary<string, string?> settings = PartisanTestHost.Settings("typo");
        settings["GossipIntervall"] = "00:00:01";
        await using PartisanTestHost host = PartisanTestHost.Create(settings);
        await host.StartAsync();

        LogEntry warning = Assert.Single(host.Logs.WithEvent(5011));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Partisan:GossipIntervall is not a Partisan setting", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_configuration_applies_after_the_section()
    {
        Dictionary<string, string?> settings = PartisanTestHost.Settings("coded");
        await using PartisanTestHost host = PartisanTestHost.Create(settings, o => o.Channels.Add(new ChannelOptions("rpc", 2)));
        await host.StartAsync();

        Assert.Contains(host.Node.Spec.Channels, c => c.Name == "rpc" && c.Parallelism == 2);
    }
}
