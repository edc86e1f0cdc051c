namespace Partisan;

/// <summary>
/// Keep-alive pings that detect half-open connections (Partisan 5's <c>connection_ping</c>). When nothing
/// arrives on a connection for <see cref="IdleTimeout"/>, a ping is sent, then again every
/// <see cref="Interval"/>; after <see cref="MaxAttempts"/> unanswered pings the connection is closed
/// with reason <c>ping_timeout</c>. Any frame received counts as life.
/// </summary>
public sealed class KeepAliveOptions
{
    /// <summary>Whether pings are sent at all. Disabling never breaks start-up (unlike Partisan 5).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Silence before the first ping (default 15 s, Distributed Erlang's tick with its default <c>net_ticktime</c>; a
    /// half-open connection is closed after 21 s, where Erlang takes 45–75 s). A process or node that dies is seen at
    /// once, by the connection's reset, not by pings. Shorter means faster detection of a silent network at the cost
    /// of pings on every idle connection: at 5 s, 64 idle full-mesh nodes spent ~6% of a core on them.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time between pings once silent.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Unanswered pings before the connection is closed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Total silence after which a connection is declared dead.</summary>
    public TimeSpan DeadAfter => IdleTimeout + (Interval * MaxAttempts);
}
