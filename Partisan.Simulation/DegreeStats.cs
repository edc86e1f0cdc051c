namespace Partisan.Simulation;

/// <summary>The smallest, mean and largest of a count taken over the live nodes (degrees, member counts).</summary>
/// <param name="Min">The smallest.</param>
/// <param name="Average">The mean.</param>
/// <param name="Max">The largest.</param>
public readonly record struct DegreeStats(int Min, double Average, int Max)
{
    internal static DegreeStats Of(List<int> values)
    {
        if (values.Count == 0)
        {
            return default;
        }

        int min = int.MaxValue;
        int max = int.MinValue;
        long sum = 0;
        foreach (int v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }

        return new DegreeStats(min, (double)sum / values.Count, max);
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"min {Min}, avg {Average:F1}, max {Max}");
}
