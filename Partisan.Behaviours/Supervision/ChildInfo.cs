namespace Partisan;

/// <summary>One row of <see cref="Supervisor.WhichChildrenAsync"/> (OTP's <c>{Id, Child, Type, Modules}</c>).</summary>
/// <param name="Id">The child's id.</param>
/// <param name="Pid">Its pid, or null when it is not running (terminated, or being restarted).</param>
/// <param name="Kind">Worker or supervisor.</param>
/// <param name="Restart">Its restart type.</param>
public sealed record ChildInfo(string Id, Pid? Pid, ChildKind Kind, RestartType Restart);
