using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Helpers;

/// <summary>One type declaration in a hierarchy.</summary>
/// <param name="Keyword"><c>class</c>, <c>record struct</c>...</param>
/// <param name="Name">The name as C# source: keywords escaped, type parameters listed (<c>@event</c>, <c>Box&lt;T&gt;</c>).</param>
/// <param name="Identifier">The bare identifier (<c>event</c>, <c>Box</c>), for building other names.</param>
internal sealed record TypeDeclarationInfo(string Keyword, string Name, string Identifier);

/// <summary>
/// Where a type is declared: its namespace and the chain of types containing it (outermost first),
/// as strings, so generated code can name it or re-open it as <c>partial</c> without keeping symbols.
/// </summary>
internal sealed record HierarchyInfo(string Namespace, EquatableArray<TypeDeclarationInfo> ContainingTypes, TypeDeclarationInfo Type)
{
    public static HierarchyInfo From(INamedTypeSymbol type)
    {
        var containing = new List<TypeDeclarationInfo>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, Declaration(outer));
        }

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
        return new HierarchyInfo(ns, containing.ToEquatableArray(), Declaration(type));
    }

    private static TypeDeclarationInfo Declaration(INamedTypeSymbol type)
    {
        string keyword = type.TypeKind switch
        {
            TypeKind.Struct when type.IsRecord => "record struct",
            TypeKind.Struct => "struct",
            TypeKind.Interface => "interface",
            _ when type.IsRecord => "record",
            _ => "class",
        };
        string name = SymbolExtensions.EscapeIdentifier(type.Name);
        if (type.TypeParameters.Length > 0)
        {
            var parameters = new List<string>();
            foreach (ITypeParameterSymbol parameter in type.TypeParameters)
            {
                parameters.Add(SymbolExtensions.EscapeIdentifier(parameter.Name));
            }

            name += "<" + string.Join(", ", parameters) + ">";
        }

        return new TypeDeclarationInfo(keyword, name, type.Name);
    }

    /// <summary>Bare identifiers from the outermost containing type to the type itself, joined with <paramref name="separator"/>.</summary>
    public string NestedIdentifiers(string separator) => Join(separator, source: false);

    private string Join(string separator, bool source)
    {
        var parts = new List<string>();
        foreach (TypeDeclarationInfo outer in ContainingTypes)
        {
            parts.Add(source ? outer.Name : outer.Identifier);
        }

        parts.Add(source ? Type.Name : Type.Identifier);
        return string.Join(separator, parts);
    }

    /// <summary>The CLR full name (<c>Ns.Outer+Inner</c>), as <c>Type.FullName</c> gives it for non-generic types.</summary>
    public string ClrFullName => Namespace.Length == 0 ? NestedIdentifiers("+") : Namespace + "." + NestedIdentifiers("+");

    /// <summary>The <c>global::</c>-qualified C# name.</summary>
    public string FullyQualifiedName => "global::" + (Namespace.Length == 0 ? Join(".", source: true) : Namespace + "." + Join(".", source: true));

    /// <summary>A name for a generated type that stands beside this one in its namespace: <c>Outer_Inner</c> + <paramref name="suffix"/>.</summary>
    public string SiblingName(string suffix) => NestedIdentifiers("_") + suffix;

    /// <summary>The <c>global::</c>-qualified name of <see cref="SiblingName"/>.</summary>
    public string SiblingFullName(string suffix) => "global::" + (Namespace.Length == 0 ? string.Empty : Namespace + ".") + SiblingName(suffix);

    /// <summary>A hint name for a generated file about this type: <c>Ns.Outer+Inner.</c> + <paramref name="part"/> + <c>.g.cs</c>.</summary>
    public string HintName(string part) => (Namespace.Length == 0 ? string.Empty : Namespace + ".") + NestedIdentifiers("+") + "." + part + ".g.cs";

    /// <summary>Opens the namespace block (if any) and, when <paramref name="reopenContainingTypes"/>, each containing type as <c>partial</c>.</summary>
    public void WriteOpen(SourceWriter writer, bool reopenContainingTypes)
    {
        if (Namespace.Length > 0)
        {
            writer.OpenBlock("namespace " + Namespace);
        }

        if (reopenContainingTypes)
        {
            foreach (TypeDeclarationInfo outer in ContainingTypes)
            {
                writer.OpenBlock("partial " + outer.Keyword + " " + outer.Name);
            }
        }
    }

    /// <summary>Closes what <see cref="WriteOpen"/> opened.</summary>
    public void WriteClose(SourceWriter writer, bool reopenContainingTypes)
    {
        if (reopenContainingTypes)
        {
            for (int i = 0; i < ContainingTypes.Count; i++)
            {
                writer.CloseBlock();
            }
        }

        if (Namespace.Length > 0)
        {
            writer.CloseBlock();
        }
    }
}
