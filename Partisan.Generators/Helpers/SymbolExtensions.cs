using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Partisan.Generators.Helpers;

/// <summary>Small questions about symbols, answered by name so no per-compilation symbol table is needed.</summary>
internal static class SymbolExtensions
{
    /// <summary><c>global::</c>-qualified, with special type keywords and nullable reference annotations.</summary>
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string ToTypeName(this ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary>True when <paramref name="type"/> is <paramref name="ns"/>.<paramref name="metadataName"/> (e.g. <c>List`1</c>).</summary>
    public static bool Is(this ITypeSymbol type, string ns, string metadataName) =>
        type.MetadataName == metadataName && type.ContainingType is null && type.ContainingNamespace?.ToDisplayString() == ns;

    /// <summary>True when <paramref name="type"/> or one of its base classes is <paramref name="ns"/>.<paramref name="metadataName"/>.</summary>
    public static bool IsOrDerivesFrom(this ITypeSymbol type, string ns, string metadataName)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.Is(ns, metadataName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="symbol"/> carries the attribute <paramref name="ns"/>.<paramref name="name"/>.</summary>
    public static bool HasAttribute(this ISymbol symbol, string ns, string name)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass is { } c && c.Is(ns, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The identifier as C# source: keywords get an <c>@</c>.</summary>
    public static string EscapeIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>True when generated code in the same assembly can name <paramref name="type"/> (every containing type public or internal).</summary>
    public static bool IsAccessibleFromGeneratedCode(this INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="type"/> or a type containing it has type parameters.</summary>
    public static bool IsOrIsInGenericType(this INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }
}
