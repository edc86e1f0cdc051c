namespace Partisan;

/// <summary>
/// How a supervisor stops a child (OTP's child spec <c>shutdown</c>): an exit signal <c>shutdown</c>, then <c>kill</c> if
/// the child has not exited within the timeout; or <c>kill</c> at once (<see cref="BrutalKill"/>); or <c>shutdown</c>
/// and wait as long as it takes (<see cref="Infinity"/>).
/// </summary>
public readonly record struct ChildShutdown
{
    private ChildShutdown(TimeSpan? timeout, bool brutal)
    {
        Timeout = timeout;
        IsBrutalKill = brutal;
    }

    /// <summary>How long to wait after <c>shutdown</c> before <c>kill</c>; null to wait as long as it takes.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>True when the child is killed without being asked to shut down.</summary>
    public bool IsBrutalKill { get; }

    /// <summary>Kill at once (<c>brutal_kill</c>).</summary>
    public static ChildShutdown BrutalKill { get; } = new(null, brutal: true);

    /// <summary>Ask with <c>shutdown</c> and wait as long as it takes (<c>infinity</c>, the default for supervisors).</summary>
    public static ChildShutdown Infinity { get; } = new(null, brutal: false);

    /// <summary>Ask with <c>shutdown</c>, and kill after <paramref name="timeout"/> on the node's clock.</summary>
    public static ChildShutdown After(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return new ChildShutdown(timeout, brutal: false);
    }
}
