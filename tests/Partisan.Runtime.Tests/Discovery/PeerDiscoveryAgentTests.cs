using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Partisan.Discovery;
using Partisan.Hosting;
using Partisan.Tests.Support;

namespace Partisan.Tests.Discovery;

public class PeerDiscoveryAgentTests
{
    [Fact]
    public async Task The_agent_joins_the_nodes_discovery_finds_and_skips_itself()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        PartisanNode b = await nodes.StartAsync("b");
        PartisanNode c = await nodes.StartAsync("c");
        var discovery = new StaticPeerDiscovery([a.ListenAddresses[0], b.ListenAddresses[0], c.ListenAddresses[0]]);
        await using var agent = new PeerDiscoveryAgent(a, discovery, new DiscoveryOptions());

        await agent.RunOnceAsync();

        await Eventually.True(() => a.Members().Count == 3 && b.Members().Count == 3, "a, b and c form one cluster");
        Assert.Equal(1, agent.Rounds);
    }

    [Fact]
    public async Task With_RemoveVanished_a_member_that_leaves_dns_is_removed_and_without_it_it_stays()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        PartisanNode b = await nodes.StartAsync("b");
        PartisanNode c = await nodes.StartAsync("c");
        var dns = new FakeDnsLookup();
        dns.Services["_partisan._tcp.test"] = [Srv(b), Srv(c)];
        dns.Addresses[Srv(b).Host] = [System.Net.IPAddress.Loopback];
        dns.Addresses[Srv(c).Host] = [System.Net.IPAddress.Loopback];
        var discovery = new DnsPeerDiscovery(dns, "_partisan._tcp.test", DnsRecordKind.Srv, port: 0);
        await using var removing = new PeerDiscoveryAgent(a, discovery, new DiscoveryOptions { RemoveVanished = true });
        await using var keeping = new PeerDiscoveryAgent(b, discovery, new DiscoveryOptions());
        await removing.RunOnceAsync();
        await keeping.RunOnceAsync();
        await Eventually.True(() => a.Members().Count == 3, "a sees b and c");

        dns.Services["_partisan._tcp.test"] = [Srv(b)];
        await keeping.RunOnceAsync();
        Assert.Contains(c.Name, b.Members());

        // Every round removes c again while it is a member: b's join of c may reach a after a's first removal, and the
        // membership lets a concurrent add win.
        await Eventually.True(
            async () =>
            {
                await removing.RunOnceAsync();
                return !a.Members().Contains(c.Name);
            },
            "c is removed once it is no longer in DNS");
        Assert.Contains(b.Name, a.Members());
    }

    [Fact]
    public async Task Rounds_run_at_start_and_then_every_interval_of_the_agents_clock()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        var time = new FakeTimeProvider();
        var discovery = new CountingDiscovery();
        await using var agent = new PeerDiscoveryAgent(a, discovery, new DiscoveryOptions { Interval = TimeSpan.FromSeconds(5) }, timeProvider: time);

        agent.Start();
        await Eventually.True(() => agent.Rounds == 1, "the first round runs at start");
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1, discovery.Calls);

        await Eventually.True(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return agent.Rounds >= 2;
            },
            "a second round after the interval");
        Assert.True(discovery.Calls >= 2);
    }

    [Fact]
    public async Task A_failing_lookup_is_retried_next_round()
    {
        await using var nodes = new TestNodes();
        PartisanNode a = await nodes.StartAsync("a");
        PartisanNode b = await nodes.StartAsync("b");
        var discovery = new CountingDiscovery { FailFirst = true, Peers = [b.ListenAddresses[0]] };
        await using var agent = new PeerDiscoveryAgent(a, discovery, new DiscoveryOptions());

        await agent.RunOnceAsync();
        Assert.Single(a.Members());
        await agent.RunOnceAsync();

        await Eventually.True(() => a.Members().Count == 2, "b is joined on the second round");
    }

    [Fact]
    public void The_discovery_section_of_configuration_binds_to_the_options()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discovery:Kind"] = "Dns",
            ["Discovery:DnsName"] = "_partisan._tcp.partisan.default.svc.cluster.local",
            ["Discovery:DnsRecords"] = "Srv",
            ["Discovery:Interval"] = "00:00:10",
            ["Discovery:RemoveVanished"] = "true",
            ["Discovery:Nameservers:0"] = "10.96.0.10",
        }).Build();
        var options = new PartisanOptions();

        new PartisanOptionsSetup(configuration).Configure(options);

        Assert.Equal(DiscoveryKind.Dns, options.Discovery.Kind);
        Assert.Equal("_partisan._tcp.partisan.default.svc.cluster.local", options.Discovery.DnsName);
        Assert.Equal(DnsRecordKind.Srv, options.Discovery.DnsRecords);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Discovery.Interval);
        Assert.True(options.Discovery.RemoveVanished);
        Assert.Equal(["10.96.0.10"], options.Discovery.Nameservers);
    }

    private static DnsServiceTarget Srv(PartisanNode node) => new(node.Name.ToString().Split('@')[0] + ".test", node.ListenAddresses[0].Port);

    private sealed class CountingDiscovery : IPeerDiscovery
    {
        private int _calls;

        public bool FailFirst { get; init; }

        public IReadOnlyList<ListenAddress> Peers { get; init; } = [];

        public int Calls => Volatile.Read(ref _calls);

        public Task<IReadOnlyList<ListenAddress>> DiscoverAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 && FailFirst
                ? Task.FromException<IReadOnlyList<ListenAddress>>(new System.Net.Sockets.SocketException())
                : Task.FromResult(Peers);
    }
}
