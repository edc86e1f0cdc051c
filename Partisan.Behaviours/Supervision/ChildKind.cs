namespace Partisan;

/// <summary>Whether a child is a worker or a supervisor (OTP's child spec <c>type</c>); it sets the default shutdown.</summary>
public enum ChildKind
{
    /// <summary>A worker: a server, a state machine or a plain process (default shutdown: 5 s).</summary>
    Worker,

    /// <summary>A supervisor (default shutdown: as long as it takes).</summary>
    Supervisor,
}
