namespace Partisan;

/// <summary>
/// OTP's supervisor for Partisan: starts children in order, restarts them by a <see cref="RestartStrategy"/> within a
/// restart intensity, and stops them in reverse order. The child operations are calls to the supervisor process and are
/// made from the supervisor's own node (a <see cref="ChildSpec"/> holds a start function, which does not travel).
/// docs/supervision.md describes the semantics and what differs from OTP.
/// </summary>
public static class Supervisor
{
    /// <summary>
    /// Starts a supervisor on <paramref name="node"/>, optionally registered as <paramref name="name"/>; returns its pid once
    /// every child has started. Inside a <see cref="LinkedStart"/> scope it is linked to the scope's parent (a supervisor
    /// under a supervisor).
    /// </summary>
    /// <exception cref="GenServerStartException">A child failed to start (the ones started before it were stopped), or two children share an id.</exception>
    public static Task<Pid> StartAsync(PartisanNode node, SupervisorSpec spec, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(spec);

        // Under a supervisor (a LinkedStart scope) the parent must be known: its shutdown signal is trapped like any
        // other, and only the parent's ends the supervisor.
        return LinkedStart.Take() is { } parent
            ? StartLinkAsync(node, parent, spec, name)
            : GenServer.StartAsync(node, () => new SupervisorServer(spec, parent: null), name);
    }

    /// <summary>
    /// Starts a supervisor linked to <paramref name="parent"/> (OTP's <c>start_link</c>): when the parent exits, the
    /// supervisor stops its children and exits with the parent's reason; when the supervisor gives up, the parent gets its
    /// <c>shutdown</c>.
    /// </summary>
    /// <exception cref="GenServerStartException">A child failed to start.</exception>
    public static Task<Pid> StartLinkAsync(PartisanNode node, Pid parent, SupervisorSpec spec, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return GenServer.StartLinkAsync(node, parent, () => new SupervisorServer(spec, parent), name);
    }

    /// <summary>A child spec that runs a supervisor under a supervisor (kind <see cref="ChildKind.Supervisor"/>).</summary>
    public static ChildSpec ChildSupervisor(string id, SupervisorSpec spec, string? name = null) =>
        new(id, node => StartAsync(node, spec, name)) { Kind = ChildKind.Supervisor };

    /// <summary>The children in start order, with their pids (null when not running); OTP's <c>which_children</c>.</summary>
    public static async Task<IReadOnlyList<ChildInfo>> WhichChildrenAsync(PartisanNode node, ProcessRef supervisor) =>
        await Call<ChildInfo[]>(node, supervisor, new WhichChildrenRequest()).ConfigureAwait(false);

    /// <summary>Stops the child <paramref name="id"/> and keeps its spec (a temporary child's is removed); OTP's <c>terminate_child</c>.</summary>
    /// <exception cref="SupervisorException"><c>not_found</c>.</exception>
    public static Task TerminateChildAsync(PartisanNode node, ProcessRef supervisor, string id) =>
        Call<bool>(node, supervisor, new TerminateChildRequest(id));

    /// <summary>Starts the terminated child <paramref name="id"/> again; OTP's <c>restart_child</c>.</summary>
    /// <exception cref="SupervisorException"><c>not_found</c>, <c>running</c>, or its start failed.</exception>
    public static Task<Pid> RestartChildAsync(PartisanNode node, ProcessRef supervisor, string id) =>
        Call<Pid>(node, supervisor, new RestartChildRequest(id));

    /// <summary>Adds a child at the end of the list and starts it; OTP's <c>start_child</c>.</summary>
    /// <exception cref="SupervisorException"><c>already_present</c>, or its start failed (the spec is not kept).</exception>
    public static Task<Pid> StartChildAsync(PartisanNode node, ProcessRef supervisor, ChildSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Call<Pid>(node, supervisor, new StartChildRequest(spec));
    }

    /// <summary>Removes the spec of the terminated child <paramref name="id"/>; OTP's <c>delete_child</c>.</summary>
    /// <exception cref="SupervisorException"><c>not_found</c> or <c>running</c>.</exception>
    public static Task DeleteChildAsync(PartisanNode node, ProcessRef supervisor, string id) =>
        Call<bool>(node, supervisor, new DeleteChildRequest(id));

    private static async Task<T> Call<T>(PartisanNode node, ProcessRef supervisor, object request)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (supervisor.Node != node.Name)
        {
            throw new ArgumentException($"A supervisor is managed from its own node ({supervisor.Node}), not from {node.Name}.", nameof(supervisor));
        }

        object? reply = await node.CallAsync(supervisor, request, Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        return reply switch
        {
            ChildError error => throw new SupervisorException(error.Error, error.Id),
            T value => value,
            _ => throw new SupervisorException($"The supervisor answered {reply?.GetType().Name ?? "null"}."),
        };
    }
}
