namespace Partisan;

/// <summary>
/// Why a process exited, as in Erlang: <c>normal</c>, <c>shutdown</c>, <c>killed</c>, <c>noproc</c>,
/// <c>noconnection</c>, an error, or any other kind the application chooses.
/// </summary>
/// <param name="Kind">The reason's kind (an Erlang atom): a short lowercase word.</param>
/// <param name="Detail">Optional detail, such as an exception's type and message.</param>
public sealed record ExitReason(string Kind, string? Detail = null)
{
    /// <summary>The process finished its work.</summary>
    public static ExitReason Normal { get; } = new("normal");

    /// <summary>The process was asked to stop.</summary>
    public static ExitReason Shutdown { get; } = new("shutdown");

    /// <summary>The process was killed.</summary>
    public static ExitReason Killed { get; } = new("killed");

    /// <summary>
    /// Sent with <c>PartisanNode.Exit(from, target, reason)</c>, the untrappable reason: the target exits with
    /// <see cref="Killed"/> even when it traps exits. From a link it is an ordinary reason.
    /// </summary>
    public static ExitReason Kill { get; } = new("kill");

    /// <summary>The process did not exist (a monitor on a dead or unknown pid).</summary>
    public static ExitReason NoProc { get; } = new("noproc");

    /// <summary>The connection to the process's node was lost, or never made.</summary>
    public static ExitReason NoConnection { get; } = new("noconnection");

    /// <summary>The process's node stopped.</summary>
    public static ExitReason NodeStopped { get; } = new("node_stopped");

    /// <summary>True for <c>normal</c> and <c>shutdown</c>, the exits that are not failures.</summary>
    public bool IsNormal => Kind is "normal" or "shutdown";

    /// <summary>A reason for a process that threw <paramref name="exception"/>.</summary>
    public static ExitReason FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ExitReason("error", exception.GetType().FullName + ": " + exception.Message);
    }

    /// <inheritdoc />
    public override string ToString() => Detail is null ? Kind : $"{Kind} ({Detail})";
}
