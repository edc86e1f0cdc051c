namespace Partisan;

/// <summary>
/// Marks the method of a <see cref="PartisanServerAttribute"/> class that runs when it stops (gen_server's
/// <c>terminate</c>). It may take the <see cref="ExitReason"/> and the server's context, and returns <c>void</c>, a
/// <see cref="Task"/> or a <see cref="ValueTask"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class TerminateAttribute : Attribute
{
}
