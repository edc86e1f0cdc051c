namespace Partisan.Broadcast;

/// <summary>What a handler answers to a graft (Partisan's <c>{ok, P} | stale | {error, R}</c>).</summary>
public enum GraftResultKind
{
    /// <summary>The message was superseded; nothing is sent (also what a default <see cref="GraftResult"/> means).</summary>
    Stale,

    /// <summary>The payload is sent to the peer that asked.</summary>
    Payload,

    /// <summary>The handler cannot answer (unknown id, storage failure); logged.</summary>
    Error,
}
