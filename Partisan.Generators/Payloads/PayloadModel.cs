using Partisan.Generators.Helpers;
using Partisan.Generators.Messages.Model;

namespace Partisan.Generators.Payloads;

/// <summary>
/// A message type the generator writes itself, nested in the user's type: the request of a server's
/// call or cast, a state machine's event. An immutable class with one get-only property per field,
/// a constructor taking them in order, and a nested wire formatter.
/// </summary>
/// <param name="Name">The simple type name (e.g. <c>AddRequest</c>).</param>
/// <param name="Summary">The XML doc summary text (already escaped).</param>
/// <param name="Fields">The fields, in wire order.</param>
internal sealed record PayloadModel(string Name, string Summary, EquatableArray<PayloadFieldModel> Fields)
{
    /// <summary>The nested formatter's simple name.</summary>
    public const string FormatterName = "PartisanFormatter";
}

/// <summary>One field of a <see cref="PayloadModel"/>.</summary>
/// <param name="PropertyName">The property, PascalCase, unique in the payload.</param>
/// <param name="ParameterName">The constructor parameter, as C# source (escaped).</param>
/// <param name="Type">Its type and encoding.</param>
/// <param name="IsValueType">A value type (its missing value is <c>default</c>).</param>
internal sealed record PayloadFieldModel(string PropertyName, string ParameterName, WireTypeModel Type, bool IsValueType);
