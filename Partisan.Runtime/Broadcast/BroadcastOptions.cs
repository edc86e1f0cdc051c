namespace Partisan.Broadcast;

/// <summary>
/// The settings of a <see cref="BroadcastEngine"/>, with Partisan's defaults where it has them
/// (<c>lazy_tick_period</c> 1 s). Every structure that grows with traffic is bounded here. <see cref="Validate"/> lists
/// every problem.
/// </summary>
public sealed class BroadcastOptions
{
    /// <summary>The default name of the channel a node's broadcast traffic uses (<see cref="Channel"/>).</summary>
    public const string DefaultChannel = "broadcast";

    /// <summary>
    /// Run a broadcast engine on the node (default false). It adds the channel <see cref="Channel"/>, one more connection
    /// per neighbour, which is why it is asked for rather than always there; every node of a cluster must agree. The
    /// simulator and tests that host an engine themselves ignore this.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The channel broadcast messages travel on (default <c>broadcast</c>), so they never wait behind user traffic. It is
    /// added to the node's channels unless configured in <see cref="PartisanOptions.Channels"/> already (to give it more
    /// parallelism or compression); it must not be the default or the membership channel.
    /// </summary>
    public string Channel { get; set; } = DefaultChannel;

    /// <summary>
    /// How many messages from peers may wait for the node's engine; more are refused and logged (default 65,536), so a
    /// flood costs bounded memory. Anti-entropy repairs what a refused message carried.
    /// </summary>
    public int MaxQueuedMessages { get; set; } = 65_536;

    /// <summary>The prefix of the engine's timer names, so a host can tell them from its own (default <c>plumtree</c>).</summary>
    public string TimerPrefix { get; set; } = "plumtree";

    /// <summary>How often queued announcements (<c>i_have</c>) are sent to the lazy peers, in one message per peer (default 1 s).</summary>
    public TimeSpan LazyTickPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after an announcement of a message this node lacks it waits for the message to arrive by eager push before
    /// it grafts the announcer (default 2 s: two lazy ticks, so an eager copy slowed by one tick is not grafted for).
    /// </summary>
    public TimeSpan GraftTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long after a graft went unanswered the next announcer is grafted (default 1 s).</summary>
    public TimeSpan GraftRetryTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many grafts are sent for one missing message before it is left to anti-entropy (default 4).</summary>
    public int MaxGraftAttempts { get; set; } = 4;

    /// <summary>How many announcers of one missing message are remembered to graft in turn (default 8).</summary>
    public int MaxAnnouncers { get; set; } = 8;

    /// <summary>How many missing messages are awaited at once; announcements of more are dropped (default 16,384).</summary>
    public int MaxMissing { get; set; } = 16_384;

    /// <summary>How many announcements wait for the next lazy tick per peer; more are dropped (default 4,096).</summary>
    public int MaxPendingAnnouncementsPerPeer { get; set; } = 4096;

    /// <summary>How many roots keep a tree of their own; beyond that the oldest is forgotten and starts again all eager (default 4,096).</summary>
    public int MaxTrees { get; set; } = 4096;

    /// <summary>How often an anti-entropy exchange starts with a neighbour, when a handler exchanges (default 10 s, Partisan's <c>exchange_tick_period</c>).</summary>
    public TimeSpan ExchangeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an exchange may run before it is given up and no longer counts against the limit (default 60 s).</summary>
    public TimeSpan ExchangeTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many exchanges this node runs at once (default 1, Partisan's <c>broadcast_start_exchange_limit</c>).</summary>
    public int MaxConcurrentExchanges { get; set; } = 1;

    /// <summary>How many messages an exchange this node started may take before it is ended (default 16).</summary>
    public int MaxExchangeSteps { get; set; } = 16;

    /// <summary>How many exchange messages one peer may send this node as responder per exchange interval; more are refused (default 64).</summary>
    public int MaxInboundExchangeMessages { get; set; } = 64;

    /// <summary>
    /// Prune the link a duplicate came by (default true: Plumtree). False makes the engine flood (every neighbour stays
    /// eager), the baseline Plumtree's redundancy is measured against.
    /// </summary>
    public bool PruneOnDuplicate { get; set; } = true;

    /// <summary>Every problem with these settings, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(TimerPrefix))
        {
            errors.Add("Broadcast TimerPrefix must not be empty.");
        }

        if (ChannelOptions.ValidateName(Channel) is { } channelError)
        {
            errors.Add("Broadcast Channel: " + channelError);
        }
        else if (Channel is ChannelOptions.DefaultName or ChannelOptions.MembershipName)
        {
            errors.Add($"Broadcast Channel must be a channel of its own, not '{Channel}', so broadcasts never wait behind other traffic.");
        }

        Range(errors, MaxQueuedMessages, 1, 10_000_000, nameof(MaxQueuedMessages));
        Positive(errors, LazyTickPeriod, nameof(LazyTickPeriod));
        Positive(errors, GraftTimeout, nameof(GraftTimeout));
        Positive(errors, GraftRetryTimeout, nameof(GraftRetryTimeout));
        Range(errors, MaxGraftAttempts, 1, 64, nameof(MaxGraftAttempts));
        Range(errors, MaxAnnouncers, 1, 64, nameof(MaxAnnouncers));
        Range(errors, MaxMissing, 1, 10_000_000, nameof(MaxMissing));
        Range(errors, MaxPendingAnnouncementsPerPeer, 1, BroadcastTypeIds.MaxAnnouncements, nameof(MaxPendingAnnouncementsPerPeer));
        Range(errors, MaxTrees, 1, 1_000_000, nameof(MaxTrees));
        Positive(errors, ExchangeInterval, nameof(ExchangeInterval));
        Positive(errors, ExchangeTimeout, nameof(ExchangeTimeout));
        Range(errors, MaxConcurrentExchanges, 1, 1024, nameof(MaxConcurrentExchanges));
        Range(errors, MaxExchangeSteps, 1, 1024, nameof(MaxExchangeSteps));
        Range(errors, MaxInboundExchangeMessages, 1, 1_000_000, nameof(MaxInboundExchangeMessages));
        return errors;
    }

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            errors.Add($"Broadcast {name} must be positive and at most a day, not {value}.");
        }
    }

    private static void Range(List<string> errors, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add($"Broadcast {name} must be between {min:N0} and {max:N0}, not {value}.");
        }
    }
}
