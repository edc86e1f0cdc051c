namespace Partisan.Generators.Messages.Model;

/// <summary>One line of the generated registration table.</summary>
/// <param name="TypeName">The message type, <c>global::</c>-qualified (the sort key).</param>
/// <param name="FormatterName">Its formatter, <c>global::</c>-qualified.</param>
/// <param name="TypeId">The explicit id, or 0.</param>
internal sealed record RegistrationModel(string TypeName, string FormatterName, uint TypeId);
