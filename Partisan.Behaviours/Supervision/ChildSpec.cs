namespace Partisan;

/// <summary>
/// One child of a supervisor (OTP's child spec). <paramref name="Start"/> starts the child on the supervisor's node and
/// returns its pid; the supervisor links to it (servers and state machines started by it are linked before their init
/// runs, through <see cref="LinkedStart"/>). A registered name given by <paramref name="Start"/> is registered again on
/// every restart, since the dead child's name is free before the supervisor hears of its exit.
/// </summary>
/// <param name="Id">The child's name within its supervisor, unique there.</param>
/// <param name="Start">Starts the child, e.g. <c>node =&gt; CounterServer.StartAsync(node, "counter")</c>.</param>
public sealed record ChildSpec(string Id, Func<PartisanNode, Task<Pid>> Start)
{
    /// <summary>When the child is restarted (default <see cref="RestartType.Permanent"/>).</summary>
    public RestartType Restart { get; init; } = RestartType.Permanent;

    /// <summary>Worker or supervisor (default <see cref="ChildKind.Worker"/>).</summary>
    public ChildKind Kind { get; init; } = ChildKind.Worker;

    /// <summary>How the child is stopped; null for the default: 5 s for a worker, <see cref="ChildShutdown.Infinity"/> for a supervisor.</summary>
    public ChildShutdown? Shutdown { get; init; }

    /// <summary>The shutdown in force: <see cref="Shutdown"/> or the default for <see cref="Kind"/>.</summary>
    internal ChildShutdown EffectiveShutdown =>
        Shutdown ?? (Kind == ChildKind.Supervisor ? ChildShutdown.Infinity : ChildShutdown.After(TimeSpan.FromSeconds(5)));
}
