namespace Partisan;

// The calls Supervisor's functions make to a supervisor process. They are passed as objects, not encoded: a supervisor
// is managed from its own node (ChildSpec holds a start function, which does not travel).

/// <summary>Lists the children.</summary>
internal sealed record WhichChildrenRequest;

/// <summary>Stops a child and keeps its spec.</summary>
internal sealed record TerminateChildRequest(string Id);

/// <summary>Starts a terminated child again.</summary>
internal sealed record RestartChildRequest(string Id);

/// <summary>Adds a child and starts it.</summary>
internal sealed record StartChildRequest(ChildSpec Spec);

/// <summary>Removes a terminated child's spec.</summary>
internal sealed record DeleteChildRequest(string Id);

/// <summary>A refused request's error atom, turned into a <see cref="SupervisorException"/> by the caller.</summary>
internal sealed record ChildError(string Error, string Id);
