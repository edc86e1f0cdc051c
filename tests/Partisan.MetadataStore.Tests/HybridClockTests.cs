using FsCheck;
using FsCheck.Fluent;

namespace Partisan.MetadataStore.Tests;

/// <summary>The hybrid logical clock: stamps only grow, whatever the physical clock does, and a stamp made after one was observed is ordered after it.</summary>
public class HybridClockTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(200);

    [Fact]
    public void Stamps_strictly_grow_while_the_physical_clock_jumps_back_and_forth_and_remote_stamps_are_observed() =>
        Check.One(Config, Prop.ForAll(
            Gen.ListOf(Gen.Choose(-3_000, 3_000)).ToArbitrary(),
            steps =>
            {
                var time = new SettableTime();
                var clock = new HybridClock("a@h", time);
                HybridTimestamp last = clock.Now();
                foreach (int step in steps)
                {
                    if (step % 3 == 0)
                    {
                        // A stamp from a node whose clock runs up to 3 s ahead.
                        var remote = new HybridTimestamp(last.WallMilliseconds + Math.Abs(step), step & 7, "b@h");
                        clock.Observe(remote);
                        HybridTimestamp after = clock.Now();
                        Assert.True(after > remote, $"{after} is after the observed {remote}");
                        Assert.True(after > last);
                        last = after;
                        continue;
                    }

                    // The physical clock moves by step milliseconds, backwards too (NTP, a VM paused).
                    time.Now = time.Now.AddMilliseconds(step);
                    HybridTimestamp next = clock.Now();
                    Assert.True(next > last, $"{next} is after {last}");
                    last = next;
                }
            }));

    [Fact]
    public void Stamps_follow_the_physical_clock_when_it_is_ahead()
    {
        var time = new SettableTime();
        var clock = new HybridClock("a@h", time);
        HybridTimestamp first = clock.Now();
        time.Now += TimeSpan.FromSeconds(2);
        HybridTimestamp second = clock.Now();
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), second.WallMilliseconds);
        Assert.Equal(0, second.Counter);
        Assert.Equal(first.WallMilliseconds + 2_000, second.WallMilliseconds);
    }

    [Fact]
    public void Of_two_writes_in_the_same_millisecond_on_two_nodes_the_larger_node_name_wins_the_tie()
    {
        var a = new HybridTimestamp(5, 0, "a@h");
        var b = new HybridTimestamp(5, 0, "b@h");
        Assert.True(b > a);
        Assert.True(new HybridTimestamp(5, 1, "a@h") > b);
    }
}

/// <summary>A wall clock a test sets, backwards too.</summary>
internal sealed class SettableTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}
