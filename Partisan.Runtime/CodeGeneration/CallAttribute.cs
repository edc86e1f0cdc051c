namespace Partisan;

/// <summary>
/// Marks a method of a <see cref="PartisanServerAttribute"/> class as a call (gen_server:call): the
/// caller waits for the method's result. The method returns a value, a <see cref="Task{TResult}"/>
/// or a <see cref="ValueTask{TResult}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class CallAttribute : Attribute
{
}
