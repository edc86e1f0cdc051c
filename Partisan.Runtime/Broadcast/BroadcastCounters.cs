namespace Partisan.Broadcast;

/// <summary>What a <see cref="BroadcastEngine"/> counted since it started; read on the engine's loop.</summary>
public sealed class BroadcastCounters
{
    /// <summary>Messages this node broadcast.</summary>
    public long Broadcasts { get; internal set; }

    /// <summary>Payload messages sent (eager pushes and answers to grafts).</summary>
    public long PayloadsSent { get; internal set; }

    /// <summary>Payload messages received.</summary>
    public long PayloadsReceived { get; internal set; }

    /// <summary>Payloads the handler took as new (delivered).</summary>
    public long Delivered { get; internal set; }

    /// <summary>Payloads the handler already had (duplicates, each of which prunes a link).</summary>
    public long Duplicates { get; internal set; }

    /// <summary>Prunes sent.</summary>
    public long PrunesSent { get; internal set; }

    /// <summary>Announcements sent (entries, not messages).</summary>
    public long AnnouncementsSent { get; internal set; }

    /// <summary>Announcements dropped because a peer's queue was full (<see cref="BroadcastOptions.MaxPendingAnnouncementsPerPeer"/>).</summary>
    public long AnnouncementsDropped { get; internal set; }

    /// <summary>Grafts sent for missing messages.</summary>
    public long GraftsSent { get; internal set; }

    /// <summary>Grafts answered with a payload.</summary>
    public long GraftsServed { get; internal set; }

    /// <summary>Missing messages given up after <see cref="BroadcastOptions.MaxGraftAttempts"/> grafts, or not awaited because <see cref="BroadcastOptions.MaxMissing"/> were.</summary>
    public long MissingAbandoned { get; internal set; }

    /// <summary>Anti-entropy exchanges this node started.</summary>
    public long ExchangesStarted { get; internal set; }

    /// <summary>Exchanges this node started that ended (either side done, or a step limit or failure).</summary>
    public long ExchangesCompleted { get; internal set; }

    /// <summary>Exchanges this node started that were given up after <see cref="BroadcastOptions.ExchangeTimeout"/>.</summary>
    public long ExchangesTimedOut { get; internal set; }

    /// <summary>Exchange messages refused as responder: more from one peer in an interval than <see cref="BroadcastOptions.MaxInboundExchangeMessages"/>.</summary>
    public long ExchangesRefused { get; internal set; }

    /// <summary>Handler calls that threw (contained and logged).</summary>
    public long HandlerFailures { get; internal set; }

    /// <summary>Messages dropped: unknown handler, or from a node that is not a neighbour where that matters.</summary>
    public long Dropped { get; internal set; }

    /// <summary>Sends the context refused (no connection, queue full).</summary>
    public long SendsFailed { get; internal set; }

    /// <summary>Messages from nodes that are not members of this node's cluster, dropped before the engine saw them (on a node).</summary>
    public long FromNonMembers { get; internal set; }

    /// <summary>Messages refused because <see cref="BroadcastOptions.MaxQueuedMessages"/> were waiting for the engine (on a node).</summary>
    public long QueueOverflows { get; internal set; }

    /// <summary>A copy, to hand out of the engine's loop.</summary>
    internal BroadcastCounters Copy() => (BroadcastCounters)MemberwiseClone();
}
