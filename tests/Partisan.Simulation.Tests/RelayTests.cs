namespace Partisan.Simulation.Tests;

public sealed class RelayTests
{
    // p0 - p1 - p2 - p3 - p4 - p5, each routing toward p5 through its right-hand neighbour.
    private static (OverlaySimulation Sim, NodeSpec[] Specs, ProbeOverlay[] Overlays) Chain(int count = 6)
    {
        var sim = new OverlaySimulation(new SimulationOptions(), _ => new ProbeOverlay());
        var specs = new NodeSpec[count];
        var overlays = new ProbeOverlay[count];
        for (int i = 0; i < count; i++)
        {
            specs[i] = sim.AddNode("p" + i);
            overlays[i] = (ProbeOverlay)sim.Overlay(specs[i].Name);
        }

        for (int i = 0; i + 1 < count; i++)
        {
            sim.Join(specs[i].Name, specs[i + 1].Name);
            for (int j = i + 2; j < count; j++)
            {
                overlays[i].Routes[specs[j].Name] = specs[i + 1].Name;
            }
        }

        sim.RunFor(TimeSpan.FromMilliseconds(100));
        return (sim, specs, overlays);
    }

    [Fact]
    public void The_walk_follows_next_hops_to_the_destination()
    {
        var (sim, specs, _) = Chain();
        RelayResult result = sim.SendRelayed(specs[0].Name, specs[5].Name, maxHops: 5);
        Assert.Equal(RelayStatus.Pending, result.Status);
        sim.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.Equal(RelayStatus.Delivered, result.Status);
        Assert.Equal(specs.Select(s => s.Name), result.Path);
        Assert.Equal(5, result.Hops);
        Assert.True(result.CompletedAt >= TimeSpan.FromMilliseconds(100 + 5)); // a latency of at least 1 ms a hop
    }

    [Fact]
    public void The_walk_respects_max_hops()
    {
        var (sim, specs, _) = Chain();
        RelayResult result = sim.SendRelayed(specs[0].Name, specs[5].Name, maxHops: 4);
        sim.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.Equal(RelayStatus.Dropped, result.Status);
        Assert.Equal("relay_ttl", result.Reason);
        Assert.Equal(5, result.Path.Count); // p0..p4
    }

    [Fact]
    public void A_missing_route_or_an_unlinked_next_hop_drops_the_walk()
    {
        var (sim, specs, o) = Chain();
        RelayResult noRoute = sim.SendRelayed(specs[5].Name, specs[0].Name);
        o[2].Routes[specs[5].Name] = specs[0].Name; // p2 is not linked to p0
        RelayResult badHop = sim.SendRelayed(specs[0].Name, specs[5].Name);
        sim.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.Equal("no_route", noRoute.Reason);
        Assert.Equal("hop_not_connected", badHop.Reason);
        Assert.Equal(specs[2].Name, badHop.Path[^1]);
    }

    [Fact]
    public void RequestRoute_calls_the_overlays_route_wanted_hook()
    {
        var sim = new OverlaySimulation(new SimulationOptions(), _ => new RouteRecordingOverlay());
        NodeSpec a = sim.AddNode("a");
        NodeSpec b = sim.AddNode("b");
        sim.RequestRoute(a.Name, b.Name);
        Assert.Equal([b.Name], ((RouteRecordingOverlay)sim.Overlay(a.Name)).Wanted);
    }

    private sealed class RouteRecordingOverlay : Partisan.Overlays.IOverlay
    {
        private NodeSpec[] _self = [];

        public List<NodeName> Wanted { get; } = new();

        public IReadOnlyCollection<NodeSpec> Members => _self;

        public IReadOnlyCollection<NodeSpec> Neighbours => [];

        public void Start(Partisan.Overlays.IOverlayContext context) => _self = [context.Self];

        public void Join(NodeSpec peer)
        {
        }

        public void Leave(NodeName node)
        {
        }

        public void HandleMessage(NodeName from, object message)
        {
        }

        public void OnTimer(string name)
        {
        }

        public void OnConnected(NodeSpec peer)
        {
        }

        public void OnDisconnected(NodeName peer, string reason)
        {
        }

        public Partisan.Overlays.OverlayAdmission Admit(NodeSpec initiator, string channel) => Partisan.Overlays.OverlayAdmission.Accept;

        public NodeName? NextHop(NodeName destination) => null;

        public void RouteWanted(NodeName destination) => Wanted.Add(destination);
    }
}
