namespace Partisan.Overlays.HyParView;

/// <summary>
/// The settings of <see cref="HyParViewOverlay"/>, with the defaults of the HyParView paper (Leitão, Pereira, Rodrigues,
/// DSN 2007) and of Partisan's <c>partisan_hyparview_peer_service_manager</c>. <see cref="Validate"/> lists every problem.
/// </summary>
public sealed class HyParViewOptions
{
    /// <summary>The most peers in the active view: the nodes this node keeps connections to (default 6).</summary>
    public int ActiveViewSize { get; set; } = 6;

    /// <summary>Below this many active peers, a passive peer is promoted every <see cref="RandomPromotionInterval"/> (default 3).</summary>
    public int MinActiveViewSize { get; set; } = 3;

    /// <summary>The most peers in the passive view: known nodes kept as replacements, not connected (default 30).</summary>
    public int PassiveViewSize { get; set; } = 30;

    /// <summary>Active random walk length (ARWL): how far a forward-join travels before the joiner takes an active slot (default 6).</summary>
    public int ActiveRandomWalkLength { get; set; } = 6;

    /// <summary>Passive random walk length (PRWL): at which hop of a forward-join the joiner goes into a passive view (default 3).</summary>
    public int PassiveRandomWalkLength { get; set; } = 3;

    /// <summary>How often this node starts a shuffle, a random walk that exchanges samples of the views (default 10 s).</summary>
    public TimeSpan ShuffleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many active peers a shuffle carries (k_active, default 3).</summary>
    public int ShuffleActiveCount { get; set; } = 3;

    /// <summary>How many passive peers a shuffle carries (k_passive, default 4).</summary>
    public int ShufflePassiveCount { get; set; } = 4;

    /// <summary>How many hops a shuffle walks before it is answered (default 6, as Partisan: the ARWL).</summary>
    public int ShuffleRandomWalkLength { get; set; } = 6;

    /// <summary>How often the active view is topped up to <see cref="MinActiveViewSize"/> from the passive view (default 5 s).</summary>
    public TimeSpan RandomPromotionInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a neighbour request to a passive peer may go unanswered before that peer is taken for gone (default 5 s).</summary>
    public TimeSpan NeighbourRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far a route search floods the active-view graph, in hops (default 12: paths in a HyParView graph of n nodes grow as log n; 12 reaches across 10,000 nodes).</summary>
    public int RouteSearchHops { get; set; } = 12;

    /// <summary>How long a route search waits for an answer before it is given up (default 3 s; a later send searches again).</summary>
    public TimeSpan RouteSearchTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most routes to non-neighbours a node keeps (default 4,096); the oldest a node did not ask for go first.</summary>
    public int MaxRoutes { get; set; } = 4096;

    /// <summary>
    /// Active slots kept for peers carrying a tag (<see cref="NodeSpec.Tags"/>), one slot per entry: a tag listed twice keeps
    /// two. A reserved slot is filled only by a peer with that tag; the others share what is left of <see cref="ActiveViewSize"/>.
    /// </summary>
    public List<string> ReservedTags { get; } = new();

    /// <summary>Every problem with these settings, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ActiveViewSize is < 1 or > 64)
        {
            errors.Add($"HyParView ActiveViewSize must be between 1 and 64, not {ActiveViewSize}.");
        }

        if (MinActiveViewSize < 1 || MinActiveViewSize > ActiveViewSize)
        {
            errors.Add($"HyParView MinActiveViewSize must be between 1 and ActiveViewSize ({ActiveViewSize}), not {MinActiveViewSize}.");
        }

        if (PassiveViewSize is < 0 or > 10_000)
        {
            errors.Add($"HyParView PassiveViewSize must be between 0 and 10,000, not {PassiveViewSize}.");
        }

        if (ActiveRandomWalkLength is < 1 or > 32)
        {
            errors.Add($"HyParView ActiveRandomWalkLength must be between 1 and 32, not {ActiveRandomWalkLength}.");
        }

        if (PassiveRandomWalkLength < 0 || PassiveRandomWalkLength > ActiveRandomWalkLength)
        {
            errors.Add($"HyParView PassiveRandomWalkLength must be between 0 and ActiveRandomWalkLength ({ActiveRandomWalkLength}), not {PassiveRandomWalkLength}.");
        }

        if (ShuffleRandomWalkLength is < 1 or > 32)
        {
            errors.Add($"HyParView ShuffleRandomWalkLength must be between 1 and 32, not {ShuffleRandomWalkLength}.");
        }

        if (ShuffleActiveCount < 0 || ShufflePassiveCount < 0 || ShuffleActiveCount + ShufflePassiveCount > 256)
        {
            errors.Add($"HyParView ShuffleActiveCount and ShufflePassiveCount must not be negative and carry at most 256 peers together, not {ShuffleActiveCount} and {ShufflePassiveCount}.");
        }

        if (ShuffleInterval <= TimeSpan.Zero)
        {
            errors.Add("HyParView ShuffleInterval must be positive.");
        }

        if (RandomPromotionInterval <= TimeSpan.Zero)
        {
            errors.Add("HyParView RandomPromotionInterval must be positive.");
        }

        if (NeighbourRequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("HyParView NeighbourRequestTimeout must be positive.");
        }

        if (RouteSearchHops is < 1 or > 64)
        {
            errors.Add($"HyParView RouteSearchHops must be between 1 and 64, not {RouteSearchHops}.");
        }

        if (RouteSearchTimeout <= TimeSpan.Zero)
        {
            errors.Add("HyParView RouteSearchTimeout must be positive.");
        }

        if (MaxRoutes is < 0 or > 1_000_000)
        {
            errors.Add($"HyParView MaxRoutes must be between 0 and 1,000,000, not {MaxRoutes}.");
        }

        if (ReservedTags.Count >= ActiveViewSize)
        {
            errors.Add($"HyParView ReservedTags keeps {ReservedTags.Count} slots; at least one of the {ActiveViewSize} active slots must stay unreserved.");
        }

        foreach (string tag in ReservedTags)
        {
            if (NodeSpec.ValidateTag(tag) is { } error)
            {
                errors.Add("HyParView ReservedTags: " + error);
            }
        }

        return errors;
    }
}
