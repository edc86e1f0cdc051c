namespace Partisan;

/// <summary>
/// Keeps a field or property of a <see cref="PartisanMessageAttribute"/> type off the wire. A reader
/// leaves it at whatever the constructor or initializer gives it.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class PartisanIgnoreAttribute : Attribute
{
}
