namespace Partisan.Simulation;

/// <summary>Transitive relay as the runtime's router does it, hop by hop on virtual time, to check an overlay's next hops.</summary>
public sealed partial class OverlaySimulation
{
    /// <summary>
    /// Sends a probe from <paramref name="from"/> to <paramref name="to"/> the way the runtime relays a message: at each
    /// node, over the link to <paramref name="to"/> if there is one, else to the overlay's
    /// <see cref="Overlays.IOverlay.NextHop"/>, which must be linked; each link crossed costs one of
    /// <paramref name="maxHops"/> and one latency. Read the result after running the simulation on.
    /// </summary>
    public RelayResult SendRelayed(NodeName from, NodeName to, int maxHops = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHops, 1);
        SimulatedNode origin = Get(from);
        _ = Get(to);
        var result = new RelayResult(from, to, maxHops);
        Schedule(NowTicks, new SimEvent(SimEventKind.Relay, origin, result));
        return result;
    }

    private void RelayStep(SimulatedNode node, RelayResult relay)
    {
        if (!node.Alive)
        {
            relay.Drop("node_down", Now);
            return;
        }

        NodeName destination = relay.Destination;
        if (node.Name == destination)
        {
            relay.Deliver(Now);
            return;
        }

        SimulatedLink? link = node.LinkTo(destination);
        if (link is null)
        {
            if (node.SafeNextHop(destination) is not { } hop)
            {
                relay.Drop("no_route", Now);
                return;
            }

            link = hop == node.Name ? null : node.LinkTo(hop);
            if (link is null)
            {
                relay.Drop("hop_not_connected", Now);
                return;
            }
        }

        if (relay.HopsLeft <= 0)
        {
            relay.Drop("relay_ttl", Now);
            return;
        }

        relay.HopsLeft--;
        Send(node, link, relay);
    }
}
