namespace Partisan;

/// <summary>
/// Marks a <c>partial</c> class as a generic server (OTP gen_server): the Partisan.Generators source
/// generator adds request and reply messages for its <see cref="CallAttribute"/> and
/// <see cref="CastAttribute"/> methods, a dispatch switch, a typed client and start helpers.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class PartisanServerAttribute : Attribute
{
}
