namespace Partisan.Generators.Messages.Model;

/// <summary>A member type and how to put it on the wire.</summary>
/// <param name="Kind">The encoding.</param>
/// <param name="TypeName">The <c>global::</c>-qualified type, with its nullable annotation.</param>
/// <param name="Formatter">The formatter type for <see cref="WireKind.BuiltIn"/>, <see cref="WireKind.Enum"/> and <see cref="WireKind.Message"/>.</param>
/// <param name="SuppressNull">Reading needs <c>!</c>: a reference type not annotated nullable.</param>
/// <param name="Element">The underlying type of a <see cref="WireKind.Nullable"/>.</param>
internal sealed record WireTypeModel(WireKind Kind, string TypeName, string? Formatter, bool SuppressNull, WireTypeModel? Element);
