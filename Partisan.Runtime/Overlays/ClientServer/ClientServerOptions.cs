namespace Partisan.Overlays.ClientServer;

/// <summary>
/// The settings of the client-server overlay (<see cref="ClientServerOverlay"/>): which tag makes a node a server, and how
/// many servers each client connects to. <see cref="Validate"/> lists every problem.
/// </summary>
public sealed class ClientServerOptions
{
    /// <summary>The default <see cref="ServerTag"/>.</summary>
    public const string DefaultServerTag = "server";

    /// <summary>
    /// A node whose spec carries this tag (<see cref="PartisanOptions.Tags"/>) is a server; every other node is a client
    /// (default <c>server</c>). Every node of a cluster must use the same tag.
    /// </summary>
    public string ServerTag { get; set; } = DefaultServerTag;

    /// <summary>
    /// How many servers each client connects to; 0 (the default) means all of them. With k servers per client each client
    /// picks the k servers that rank highest for it by rendezvous (highest-random-weight) hashing of the two names, so the
    /// client, its servers and every other node agree on the choice without asking each other. Every node of a cluster must
    /// use the same value.
    /// </summary>
    public int ServersPerClient { get; set; }

    /// <summary>
    /// The most nodes a client holds on to after refusing their connection (a client tried to join through another client),
    /// until it has handed them to its servers, which then take them in (default 64). Further ones are refused and logged only.
    /// </summary>
    public int MaxPendingIntroductions { get; set; } = 64;

    /// <summary>The most <see cref="ServersPerClient"/> can be.</summary>
    public const int MaxServersPerClient = 1024;

    /// <summary>Every problem with these settings, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (NodeSpec.ValidateTag(ServerTag) is { } tagError)
        {
            errors.Add("ClientServer ServerTag: " + tagError);
        }

        if (ServersPerClient is < 0 or > MaxServersPerClient)
        {
            errors.Add($"ClientServer ServersPerClient must be between 0 (all servers) and {MaxServersPerClient}, not {ServersPerClient}.");
        }

        if (MaxPendingIntroductions is < 0 or > 4096)
        {
            errors.Add($"ClientServer MaxPendingIntroductions must be between 0 and 4096, not {MaxPendingIntroductions}.");
        }

        return errors;
    }
}
