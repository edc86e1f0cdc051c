using FsCheck;
using FsCheck.Fluent;

namespace Partisan.Tests.Delivery.Causal;

/// <summary>
/// Causal order over random histories of 2 to 5 nodes: messages stamped, encoded and decoded, arriving in any order,
/// duplicated and lost. Checked against the ground truth of causality the simulation keeps (<see cref="CausalSimulation"/>).
/// </summary>
public class CausalOrderPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(200);

    private static Arbitrary<(int Nodes, int Seed, int Steps)> Histories() =>
        (from nodes in Gen.Choose(2, 5)
         from seed in Gen.Choose(0, int.MaxValue - 1)
         from steps in Gen.Choose(1, 300)
         select (nodes, seed, steps)).ToArbitrary();

    [Fact]
    public void Reordered_and_duplicated_messages_are_each_delivered_once_in_causal_order_and_nothing_stays_held() =>
        Check.One(Config, Prop.ForAll(Histories(), input =>
        {
            var sim = new CausalSimulation(input.Nodes, input.Seed, maxHeld: 100_000);
            sim.Run(input.Steps, duplicate: 0.2, lose: 0);
            sim.Drain();

            Assert.Null(sim.FirstOrderViolation());
            Assert.Null(sim.FirstDuplicate());
            Assert.Equal(sim.All.Count, sim.Delivered.Sum(d => d.Count));
            Assert.All(sim.Orders, o => Assert.Equal(0, o.HeldCount));
            Assert.All(sim.Orders, o => Assert.Equal(0, o.Gaps));
        }));

    [Fact]
    public void With_losses_and_a_small_hold_bound_what_is_delivered_stays_in_causal_order_and_giving_up_empties_every_hold() =>
        Check.One(Config, Prop.ForAll(Histories(), Gen.Choose(1, 8).ToArbitrary(), (input, maxHeld) =>
        {
            var sim = new CausalSimulation(input.Nodes, input.Seed, maxHeld);
            sim.Run(input.Steps, duplicate: 0.1, lose: 0.15);
            sim.Drain();
            sim.ExpireAll();

            Assert.Null(sim.FirstOrderViolation());
            Assert.Null(sim.FirstDuplicate());
            Assert.All(sim.Orders, o => Assert.Equal(0, o.HeldCount));
            Assert.True(sim.MaxHeldSeen <= maxHeld, $"held {sim.MaxHeldSeen}, bound {maxHeld}");
            int delivered = sim.Delivered.Sum(d => d.Count);
            Assert.True(delivered + sim.Lost.Count >= sim.All.Count - sim.Stale, "a message neither lost nor stale was delivered");
            if (sim.Lost.Count == 0 && sim.Orders.All(o => o.Gaps == 0))
            {
                Assert.Equal(sim.All.Count, delivered);
            }
        }));

    [Fact]
    public void A_stamp_survives_the_codec() =>
        Check.One(Config, Prop.ForAll(Histories(), input =>
        {
            var sim = new CausalSimulation(input.Nodes, input.Seed, maxHeld: 100_000);
            sim.Run(input.Steps, duplicate: 0, lose: 0);
            foreach (CausalSimulation.Sent sent in sim.All)
            {
                Partisan.Delivery.CausalStamp stamp = Partisan.Delivery.CausalStampCodec.TryDecode(sent.Stamp, _ => true, out string? problem, out int unknown)!;
                Assert.Null(problem);
                Assert.Equal(0, unknown);
                Assert.Equal(sent.Stamp, Partisan.Delivery.CausalStampCodec.Encode(stamp));
            }
        }));
}
