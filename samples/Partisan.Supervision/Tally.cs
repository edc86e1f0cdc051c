
namespace Partisan.SupervisionSample;

/// <summary>A running total; <see cref="Fail"/> throws, which crashes the server (and fails that call).</summary>
[PartisanServer]
public partial class Tally
{
    private long _total;

    /// <summary>Adds <paramref name="amount"/> and returns the new total.</summary>
    [Call]
    public long Add(long amount) => _total += amount;

    /// <summary>The total.</summary>
    [Call]
    public long Total() => _total;

    /// <summary>Throws: the server exits with an error and its supervisor starts a new one.</summary>
    [Call]
    public long Fail(string why) => throw new InvalidOperationException(why);
}
