using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Partisan.Generators.Helpers;
using Partisan.Generators.Messages;
using Partisan.Generators.Messages.Model;

namespace Partisan.Generators.Payloads;

/// <summary>Turns method parameters into payload fields: PascalCase property names, unique within the payload.</summary>
internal static class PayloadFields
{
    /// <summary>
    /// The field for <paramref name="parameter"/>, or null with the reason its type cannot be sent.
    /// <paramref name="taken"/> holds the names already used (the payload's own name included).
    /// </summary>
    public static PayloadFieldModel? From(IParameterSymbol parameter, Compilation compilation, HashSet<string> taken, out string? problem)
    {
        WireTypeModel? wire = PartisanMessageGenerator.Parser.Classify(parameter.Type, compilation, out problem);
        if (wire is null)
        {
            return null;
        }

        string property = PascalCase(parameter.Name);
        string unique = property;
        for (int n = 2; !taken.Add(unique); n++)
        {
            unique = property + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new PayloadFieldModel(SymbolExtensions.EscapeIdentifier(unique), SymbolExtensions.EscapeIdentifier(parameter.Name), wire, parameter.Type.IsValueType);
    }

    /// <summary><c>by</c> → <c>By</c>; names that start with another character stay as they are.</summary>
    public static string PascalCase(string name) =>
        name.Length == 0 || !char.IsLower(name[0]) ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
}
