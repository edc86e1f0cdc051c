using Partisan.Overlays.HyParView;
using Xunit.Abstractions;

namespace Partisan.Simulation.Tests;

public class ScratchRouteTests(ITestOutputHelper output)
{
    [Fact]
    public void Scratch()
    {
        var sim = new OverlaySimulation(new SimulationOptions { Seed = 1 }, _ => new HyParViewOverlay());
        for (int i = 0; i < 60; i++) sim.AddNode("n" + i);
        var r = new Random(1);
        for (int i = 1; i < 60; i++) sim.Join(sim.Nodes[i], sim.Nodes[r.Next(i)]);
        sim.RunFor(TimeSpan.FromSeconds(60));
        var counts = new Dictionary<string, int>();
        sim.AddRule(m => { string k = m.Message.ToString()!.Split(' ')[0]; counts[k] = counts.GetValueOrDefault(k) + 1; return MessageFate.Deliver; });
        NodeName from = sim.Nodes[0];
        NodeName to = sim.Nodes.First(n => n != from && !sim.IsConnected(from, n) && !((HyParViewOverlay)sim.Overlay(from)).ActiveView.Any(p => p.Name == n));
        sim.RequestRoute(from, to);
        sim.RunFor(TimeSpan.FromSeconds(2));
        output.WriteLine(string.Join(" ", counts.Select(kv => kv.Key + "=" + kv.Value)));
        output.WriteLine("hop " + ((HyParViewOverlay)sim.Overlay(from)).NextHop(to));
    }
}
