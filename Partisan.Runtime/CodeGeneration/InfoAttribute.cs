namespace Partisan;

/// <summary>
/// Marks a method of a <see cref="PartisanServerAttribute"/> class as the handler of plain messages of
/// its single parameter's type (gen_server handle_info), such as monitor notifications.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class InfoAttribute : Attribute
{
}
