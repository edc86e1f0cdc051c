namespace Partisan.Simulation.Tests;

public sealed class ConnectionSemanticsTests
{
    private static (OverlaySimulation Sim, NodeSpec[] Specs, ProbeOverlay[] Overlays) Probes(int count, SimulationOptions? options = null)
    {
        var sim = new OverlaySimulation(options ?? new SimulationOptions(), _ => new ProbeOverlay());
        var specs = new NodeSpec[count];
        var overlays = new ProbeOverlay[count];
        for (int i = 0; i < count; i++)
        {
            specs[i] = sim.AddNode("p" + i);
            overlays[i] = (ProbeOverlay)sim.Overlay(specs[i].Name);
        }

        return (sim, specs, overlays);
    }

    [Fact]
    public void A_wanted_neighbour_is_linked_and_both_ends_hear_of_it_after_the_call()
    {
        var (sim, specs, o) = Probes(2);
        sim.Join(specs[0].Name, specs[1].Name); // p0 wants p1
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.True(sim.IsLinked(specs[0].Name, specs[1].Name));
        Assert.Equal(1, o[0].Connects);
        Assert.Equal(1, o[1].Connects); // the acceptor hears it too, although it does not want p0
        Assert.Equal(0, o[0].EventsInsideCalls + o[1].EventsInsideCalls);
    }

    [Fact]
    public void Connection_events_caused_inside_a_call_arrive_after_it()
    {
        var (sim, specs, o) = Probes(3);
        sim.Join(specs[0].Name, specs[1].Name);
        sim.Join(specs[0].Name, specs[2].Name);
        sim.RunFor(TimeSpan.FromMilliseconds(200));
        Assert.True(sim.IsLinked(specs[0].Name, specs[1].Name));

        // On a message, p0 drops p1 as a neighbour and disconnects p2: both closes happen inside HandleMessage.
        o[0].OnMessage = (self, _, _) =>
        {
            self.SetNeighbours(specs[2]);
            self.Context.Disconnect(specs[2].Name);
        };
        Assert.True(o[1].Context.Send(specs[0].Name, new Ping(1)));
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.Single(o[0].Received);
        Assert.Equal(2, o[0].Disconnects);
        Assert.Equal(0, o[0].EventsInsideCalls);
        Assert.Contains(o[0].Log, l => l.StartsWith("down p1@sim left", StringComparison.Ordinal));
        Assert.Contains(o[0].Log, l => l.StartsWith("down p2@sim disconnected", StringComparison.Ordinal));

        // p2 is still a neighbour: redialed after ReconnectMinDelay.
        sim.RunFor(TimeSpan.FromMilliseconds(300));
        Assert.True(sim.IsLinked(specs[0].Name, specs[2].Name));
        Assert.False(sim.IsConnected(specs[0].Name, specs[1].Name));
    }

    [Fact]
    public void A_refused_dial_tells_the_overlay_nothing_and_is_retried_with_doubling_backoff()
    {
        var (sim, specs, o) = Probes(2);
        o[1].Refuse.Add(specs[0].Name);
        sim.Join(specs[0].Name, specs[1].Name);
        sim.RunFor(TimeSpan.FromSeconds(20));
        Assert.False(sim.IsConnected(specs[0].Name, specs[1].Name));
        Assert.Equal(0, o[0].Connects + o[0].Disconnects);
        // 100 ms doubling to 5 s, jitter ×0.5–1: between 7 and 14 attempts in 20 s (not one per 100 ms).
        Assert.InRange(sim.Counters.DialsFailed, 7, 14);

        o[1].Refuse.Clear();
        sim.RunFor(TimeSpan.FromSeconds(6));
        Assert.True(sim.IsLinked(specs[0].Name, specs[1].Name));
    }

    [Fact]
    public void Send_to_a_spec_dials_on_demand_and_send_to_a_name_needs_a_link()
    {
        var (sim, specs, o) = Probes(2);
        Assert.False(o[0].Context.Send(specs[1].Name, new Ping(0)));
        Assert.True(o[0].Context.Send(specs[1], new Ping(1)));
        Assert.True(o[0].Context.Send(specs[1], new Ping(2)));
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.Equal([1, 2], o[1].Received.Select(r => ((Ping)r.Message).Seq));
        Assert.True(o[1].Context.Send(specs[0].Name, new Ping(3)));
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.Single(o[0].Received);
    }

    [Fact]
    public void A_crashed_peer_is_reported_down_its_messages_are_lost_and_a_restart_reconnects()
    {
        var (sim, specs, o) = Probes(2);
        sim.Join(specs[0].Name, specs[1].Name);
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.True(sim.IsLinked(specs[0].Name, specs[1].Name));
        for (int i = 0; i < 5; i++)
        {
            o[0].Context.Send(specs[1].Name, new Ping(i));
        }

        sim.Crash(specs[1].Name); // before any arrives
        sim.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.Contains(o[0].Log, l => l.StartsWith("down p1@sim", StringComparison.Ordinal));
        Assert.Empty(o[1].Received);
        Assert.Equal(5, sim.Counters.Messages.Dropped);

        sim.RunFor(TimeSpan.FromSeconds(2));
        Assert.False(sim.IsConnected(specs[0].Name, specs[1].Name));
        NodeSpec reborn = sim.Restart(specs[1].Name);
        Assert.True(reborn.Incarnation > specs[1].Incarnation);
        sim.RunFor(TimeSpan.FromSeconds(6)); // the redial backoff is at most 5 s
        Assert.True(sim.IsLinked(specs[0].Name, specs[1].Name));
        Assert.Contains(o[0].Log, l => l == "up p1@sim " + reborn.Incarnation);
    }

    [Fact]
    public void A_partition_drops_traffic_at_once_closes_links_after_the_keepalive_timeout_and_heals()
    {
        var (sim, specs, o) = Probes(4);
        foreach (NodeSpec a in specs)
        {
            ((ProbeOverlay)sim.Overlay(a.Name)).SetNeighbours(specs.Where(s => s.Name != a.Name).ToArray());
        }

        o[0].Context.SetTimer("kick", TimeSpan.Zero); // a call, so p0 reconciles
        foreach (ProbeOverlay p in o)
        {
            p.Context.SetTimer("kick", TimeSpan.Zero);
        }

        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(3, sim.LinkDegrees().Min);

        PartitionHandle cut = sim.Partition([specs[0].Name, specs[1].Name], [specs[2].Name, specs[3].Name]);
        o[0].Context.Send(specs[2].Name, new Ping(1));
        o[0].Context.Send(specs[1].Name, new Ping(2));
        sim.RunFor(TimeSpan.FromSeconds(10));
        Assert.Empty(o[2].Received);
        Assert.Single(o[1].Received);
        Assert.True(sim.IsLinked(specs[0].Name, specs[2].Name)); // not detected yet
        Assert.Equal(1, sim.Counters.DroppedFor("partition"));

        sim.RunFor(TimeSpan.FromSeconds(6));
        Assert.False(sim.IsConnected(specs[0].Name, specs[2].Name));
        Assert.Contains(o[0].Log, l => l == "down p2@sim keepalive_timeout");
        Assert.True(sim.IsLinked(specs[0].Name, specs[1].Name));
        Assert.Equal(1, sim.LinkDegrees().Min);

        sim.Heal(cut);
        sim.RunFor(TimeSpan.FromSeconds(10)); // redials back off to at most 5 s
        Assert.Equal(3, sim.LinkDegrees().Min);
    }

    [Fact]
    public void A_drop_rule_loses_matching_messages_until_removed_and_a_delay_rule_delays_them_in_order()
    {
        var (sim, specs, o) = Probes(2);
        sim.Join(specs[0].Name, specs[1].Name);
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        MessageRule drop = sim.AddRule(m => m.Message is Ping { Seq: < 10 } ? MessageFate.Drop : MessageFate.Deliver);
        o[0].Context.Send(specs[1].Name, new Ping(1));
        o[0].Context.Send(specs[1].Name, new Ping(20));
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.Equal([20], o[1].Received.Select(r => ((Ping)r.Message).Seq));
        Assert.Equal(1, sim.Counters.DroppedFor("rule"));
        Assert.True(sim.RemoveRule(drop));

        o[1].Received.Clear();
        TimeSpan sentAt = sim.Now;
        sim.AddRule(m => m.Message is Ping { Seq: 1 } ? MessageFate.Delay(TimeSpan.FromSeconds(2)) : MessageFate.Deliver);
        o[0].Context.Send(specs[1].Name, new Ping(1));
        o[0].Context.Send(specs[1].Name, new Ping(2));
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Empty(o[1].Received); // FIFO: the second waits behind the delayed first
        sim.RunFor(TimeSpan.FromSeconds(2));
        Assert.Equal([1, 2], o[1].Received.Select(r => ((Ping)r.Message).Seq));
        Assert.True(o[1].Received[0].At >= sentAt + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void An_overlay_exception_is_contained_and_the_run_goes_on()
    {
        var (sim, specs, o) = Probes(2);
        sim.Join(specs[0].Name, specs[1].Name);
        o[1].OnMessage = (_, _, m) =>
        {
            if (m is Ping { Seq: 1 })
            {
                throw new InvalidOperationException("boom");
            }
        };
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        o[0].Context.Send(specs[1].Name, new Ping(1));
        o[0].Context.Send(specs[1].Name, new Ping(2));
        o[1].Context.SetTimer("after", TimeSpan.FromSeconds(1));
        sim.RunFor(TimeSpan.FromSeconds(2));
        Assert.Equal(1, sim.Counters.OverlayFailures);
        Assert.Equal(2, o[1].Received.Count);
        Assert.Equal(1, o[1].Timers);
        Assert.True(sim.IsLinked(specs[0].Name, specs[1].Name));
    }

    [Fact]
    public void Timers_are_replaced_by_a_new_arming_and_zero_due_ones_run_after_work_already_queued()
    {
        var (sim, specs, o) = Probes(1);
        o[0].Context.SetTimer("t", TimeSpan.FromSeconds(1));
        o[0].Context.SetTimer("t", TimeSpan.FromSeconds(3));
        o[0].Context.SetTimer("p", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        sim.RunFor(TimeSpan.FromSeconds(2.5));
        Assert.Equal(2, o[0].Timers); // p at 1 s and 2 s, t not yet
        o[0].Context.CancelTimer("p");
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(3, o[0].Timers); // t at 3 s once
        Assert.Equal("timer t at " + TimeSpan.FromSeconds(3).Ticks, o[0].Log[^1]);

        var order = new List<string>();
        o[0].OnTimerCall = (self, name) =>
        {
            order.Add(name);
            if (name == "first")
            {
                self.Context.SetTimer("zero", TimeSpan.Zero);
            }
        };
        o[0].Context.SetTimer("first", TimeSpan.Zero);
        o[0].Context.SetTimer("second", TimeSpan.Zero);
        sim.RunFor(TimeSpan.Zero);
        Assert.Equal(["first", "second", "zero"], order);
    }

    [Fact]
    public void Unregistered_message_types_fail_the_serializer_round_trip_and_are_dropped()
    {
        var (sim, specs, o) = Probes(2, new SimulationOptions { SerializeMessages = true });
        sim.Join(specs[0].Name, specs[1].Name);
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        o[0].Context.Send(specs[1].Name, new Unregistered(1));
        o[0].Context.Send(specs[1].Name, "a string is built in");
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, sim.Counters.SerializationFailures);
        Assert.Equal(1, sim.Counters.DroppedFor("serialization"));
        Assert.Equal(["a string is built in"], o[1].Received.Select(r => r.Message));
    }
}
