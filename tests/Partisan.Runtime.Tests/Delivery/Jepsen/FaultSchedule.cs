using Partisan.Faults;

namespace Partisan.Tests.Delivery.Jepsen;

/// <summary>One round of a <see cref="FaultSchedule"/>.</summary>
internal abstract record FaultStep(int Round)
{
    /// <summary>Half of the nodes (the indexes) cut off from the others until <see cref="Until"/>.</summary>
    public sealed record Partition(int Round, int[] Side, int Until) : FaultStep(Round);

    /// <summary>Every connection between two nodes killed.</summary>
    public sealed record Kill(int Round, int A, int B) : FaultStep(Round);

    /// <summary>A frame rule on <see cref="Node"/> toward <see cref="Peer"/> until <see cref="Until"/>.</summary>
    public sealed record Rule(int Round, int Node, int Peer, FaultAction Action, double Probability, TimeSpan Delay, int Until) : FaultStep(Round);
}

/// <summary>
/// A fault schedule drawn from one seed: per round, a partition (one or two nodes cut off from the rest for 1 to 4
/// rounds), a kill of every connection between two nodes, or a frame rule (drop, delay or duplicate, 5 to 30%) on one
/// direction of a pair for 1 to 5 rounds. The same seed gives the same schedule.
/// </summary>
internal sealed class FaultSchedule
{
    public FaultSchedule(int seed, int nodes, int rounds)
    {
        Seed = seed;
        var random = new Random(seed);
        var steps = new List<FaultStep>();
        for (int round = 0; round < rounds; round++)
        {
            int a = random.Next(nodes);
            int b = (a + 1 + random.Next(nodes - 1)) % nodes;
            switch (random.Next(4))
            {
                case 0:
                    int[] side = random.Next(2) == 0 ? [a] : [a, b];
                    steps.Add(new FaultStep.Partition(round, side, round + 1 + random.Next(4)));
                    break;
                case 1:
                    steps.Add(new FaultStep.Kill(round, a, b));
                    break;
                default:
                    FaultAction action = random.Next(3) switch { 0 => FaultAction.Drop, 1 => FaultAction.Delay, _ => FaultAction.Duplicate };
                    double probability = 0.05 + (random.Next(6) * 0.05);
                    steps.Add(new FaultStep.Rule(round, a, b, action, probability, TimeSpan.FromMilliseconds(5 + random.Next(50)), round + 1 + random.Next(5)));
                    break;
            }
        }

        Steps = steps;
    }

    public int Seed { get; }

    public IReadOnlyList<FaultStep> Steps { get; }

    /// <summary>The seed from <c>PARTISAN_JEPSEN_SEED</c> (to replay a failure), else <paramref name="fallback"/>.</summary>
    public static int SeedFromEnvironment(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PARTISAN_JEPSEN_SEED"), out int seed) ? seed : fallback;

    /// <inheritdoc />
    public override string ToString() => $"seed {Seed} ({Steps.Count} rounds: {Steps.Count(s => s is FaultStep.Partition)} partitions, {Steps.Count(s => s is FaultStep.Kill)} kills, {Steps.Count(s => s is FaultStep.Rule)} frame rules)";
}
