using Partisan.Generators.Helpers;

namespace Partisan.Generators.Messages.Model;

/// <summary>
/// Everything the emitter needs to write one message formatter. Strings, numbers and equatable
/// arrays only: no symbols, syntax or locations, so the model compares by value and the emitter is
/// skipped whenever it is unchanged (a test walks this graph to keep it so).
/// </summary>
/// <param name="Hierarchy">Namespace and containing types.</param>
/// <param name="FullyQualifiedName">The message type, <c>global::</c>-qualified.</param>
/// <param name="FormatterName">The generated formatter's simple name.</param>
/// <param name="HintName">The generated file's hint name.</param>
/// <param name="IsValueType">A struct (no presence flag, never null).</param>
/// <param name="TypeId">The explicit type id, or 0 for the default (a hash of the name, computed at run time).</param>
/// <param name="Members">Serialized members in wire order.</param>
/// <param name="ConstructorArguments">For each constructor parameter, the index of the member passed to it.</param>
internal sealed record MessageModel(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    string FormatterName,
    string HintName,
    bool IsValueType,
    uint TypeId,
    EquatableArray<MessageMemberModel> Members,
    EquatableArray<int> ConstructorArguments)
{
    /// <summary>The formatter, <c>global::</c>-qualified.</summary>
    public string FormatterFullName => Hierarchy.SiblingFullName(PartisanMessageGenerator.Parser.FormatterSuffix);
}
