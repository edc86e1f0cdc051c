namespace Partisan.Generators.Messages.Model;

/// <summary>One serialized field or property, in wire order.</summary>
/// <param name="Name">The member name as C# source (keywords escaped with <c>@</c>).</param>
/// <param name="Type">Its type and encoding.</param>
/// <param name="InInitializer">Set in the object initializer when reading (not a constructor argument, or <c>required</c>).</param>
/// <param name="MissingValue">The expression used when an older sender did not write this member.</param>
internal sealed record MessageMemberModel(string Name, WireTypeModel Type, bool InInitializer, string MissingValue);
