using System.Net;
using Partisan.Discovery;

namespace Partisan.Tests.Discovery;

public class DnsPeerDiscoveryTests
{
    [Fact]
    public async Task Address_records_give_every_address_with_the_configured_port()
    {
        var dns = new FakeDnsLookup();
        dns.Addresses["partisan.default.svc.cluster.local"] = [IPAddress.Parse("10.1.0.5"), IPAddress.Parse("fd00::7")];
        var discovery = new DnsPeerDiscovery(dns, "partisan.default.svc.cluster.local", DnsRecordKind.Address, 9100);

        IReadOnlyList<ListenAddress> found = await discovery.DiscoverAsync(CancellationToken.None);

        Assert.Equal([new ListenAddress("10.1.0.5", 9100), new ListenAddress("fd00::7", 9100)], found);
    }

    [Fact]
    public async Task Srv_records_give_each_targets_addresses_with_the_records_port()
    {
        var dns = new FakeDnsLookup();
        dns.Services["_partisan._tcp.partisan"] = [new DnsServiceTarget("node-0.partisan", 9000), new DnsServiceTarget("node-1.partisan", 9001)];
        dns.Addresses["node-0.partisan"] = [IPAddress.Parse("10.1.0.10")];
        dns.Addresses["node-1.partisan"] = [IPAddress.Parse("10.1.0.11")];
        var discovery = new DnsPeerDiscovery(dns, "_partisan._tcp.partisan", DnsRecordKind.Srv, port: 0);

        IReadOnlyList<ListenAddress> found = await discovery.DiscoverAsync(CancellationToken.None);

        Assert.Equal([new ListenAddress("10.1.0.10", 9000), new ListenAddress("10.1.0.11", 9001)], found);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_yet_is_no_peers()
    {
        var discovery = new DnsPeerDiscovery(new FakeDnsLookup(), "not-yet.partisan", DnsRecordKind.Srv, port: 0);

        Assert.Empty(await discovery.DiscoverAsync(CancellationToken.None));
    }

    [Fact]
    public void Options_build_the_discovery_they_name_and_refuse_incomplete_settings()
    {
        var dns = new DiscoveryOptions { Kind = DiscoveryKind.Dns, DnsName = "partisan.test", DnsRecords = DnsRecordKind.Srv };
        dns.Nameservers.Add("127.0.0.1:5353");
        var list = new DiscoveryOptions { Kind = DiscoveryKind.Static };
        list.Peers.Add("10.0.0.1:9000");

        Assert.IsType<DnsPeerDiscovery>(dns.Create());
        Assert.IsType<StaticPeerDiscovery>(list.Create());
        Assert.Null(new DiscoveryOptions().Create());
        Assert.Throws<InvalidOperationException>(() => new DiscoveryOptions { Kind = DiscoveryKind.Dns }.Create());
        Assert.Throws<InvalidOperationException>(() => new DiscoveryOptions { Kind = DiscoveryKind.Static }.Create());
    }
}
