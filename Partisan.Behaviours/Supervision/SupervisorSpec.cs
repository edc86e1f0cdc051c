namespace Partisan;

/// <summary>
/// A supervisor's flags and children (OTP's <c>{SupFlags, ChildSpecs}</c>): the <see cref="Strategy"/>, and the restart
/// intensity: if more than <see cref="Intensity"/> restarts happen within <see cref="Period"/> (on the node's clock), the
/// supervisor stops its children and exits with <c>shutdown</c>.
/// </summary>
public sealed record SupervisorSpec
{
    /// <summary>What is restarted when a child exits (default <see cref="RestartStrategy.OneForOne"/>).</summary>
    public RestartStrategy Strategy { get; init; } = RestartStrategy.OneForOne;

    /// <summary>Restarts allowed within <see cref="Period"/> (default 1, as in OTP).</summary>
    public int Intensity { get; init; } = 1;

    /// <summary>The window of <see cref="Intensity"/> (default 5 s, as in OTP).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The children, started in this order and stopped in the reverse order.</summary>
    public IReadOnlyList<ChildSpec> Children { get; init; } = [];
}
