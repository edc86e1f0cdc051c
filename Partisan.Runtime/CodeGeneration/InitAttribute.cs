namespace Partisan;

/// <summary>
/// Marks the method of a <see cref="PartisanServerAttribute"/> class that runs before its first message
/// (gen_server's <c>init</c>). It returns <c>void</c>, a <see cref="Task"/> or a <see cref="ValueTask"/>, and may take
/// the server's context; throwing fails the start.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class InitAttribute : Attribute
{
}
