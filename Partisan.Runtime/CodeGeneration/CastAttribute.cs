namespace Partisan;

/// <summary>
/// Marks a method of a <see cref="PartisanServerAttribute"/> class as a cast (gen_server:cast): the
/// sender does not wait and gets no result. The method returns <c>void</c>, a <see cref="Task"/> or a
/// <see cref="ValueTask"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class CastAttribute : Attribute
{
}
