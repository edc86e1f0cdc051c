using System.Diagnostics;
using Partisan.Overlays.ClientServer;
using Xunit.Abstractions;

namespace Partisan.Simulation.Tests;

/// <summary>Client-server at scale in the simulator: 4 servers and 1,000 clients; every client linked to every server only.</summary>
public class ClientServerSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void A_thousand_clients_and_four_servers_converge_and_clients_reach_each_other_through_a_server()
    {
        var wall = Stopwatch.StartNew();
        var sim = new OverlaySimulation(new SimulationOptions { Seed = 5 }, _ => new ClientServerOverlay(new ClientServerOptions()));
        var servers = new List<NodeName>();
        for (int i = 0; i < 4; i++)
        {
            servers.Add(sim.AddNode("server" + i, ["server"]).Name);
        }

        var clients = new List<NodeName>();
        for (int i = 0; i < 1000; i++)
        {
            clients.Add(sim.AddNode("client" + i).Name);
        }

        for (int i = 1; i < servers.Count; i++)
        {
            sim.Join(servers[i], servers[0]);
        }

        for (int i = 0; i < clients.Count; i++)
        {
            sim.Join(clients[i], servers[i % servers.Count]);
        }

        bool Converged() =>
            servers.All(s => servers.All(t => s == t || sim.IsLinked(s, t))) &&
            clients.All(c => servers.All(s => sim.IsLinked(c, s)));

        Assert.True(sim.RunUntil(Converged, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)), $"links {sim.LinkDegrees()}");
        Assert.All(clients, c => Assert.Equal(servers.Count, sim.LinkGraph().Edges(c).Count));

        var random = new Random(3);
        for (int k = 0; k < 10; k++)
        {
            NodeName from = clients[random.Next(clients.Count)], to = clients[random.Next(clients.Count)];
            if (from == to)
            {
                continue;
            }

            RelayResult walk = sim.SendRelayed(from, to);
            sim.RunFor(TimeSpan.FromSeconds(1));
            Assert.Equal(RelayStatus.Delivered, walk.Status);
            Assert.Equal(2, walk.Hops);
            Assert.Contains(walk.Path[1], servers);
        }

        output.WriteLine($"converged in {sim.Now.TotalSeconds:F1} s virtual, {sim.Counters.Messages.Sent:N0} messages, wall {wall.Elapsed.TotalSeconds:F1} s");
    }
}
