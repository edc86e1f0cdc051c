using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Helpers;

/// <summary>One type declaration in a hierarchy: its keyword (<c>class</c>, <c>record struct</c>...) and its name.</summary>
internal sealed record TypeDeclarationInfo(string Keyword, string Name);

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
        return new TypeDeclarationInfo(keyword, type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
    }

    /// <summary>Type names from the outermost containing type to the type itself, joined with <paramref name="separator"/>.</summary>
    public string NestedName(string separator)
    {
        var parts = new List<string>();
        foreach (TypeDeclarationInfo outer in ContainingTypes)
        {
            parts.Add(outer.Name);
        }

        parts.Add(Type.Name);
        return string.Join(separator, parts);
    }

    /// <summary>The CLR full name (<c>Ns.Outer+Inner</c>), as <c>Type.FullName</c> gives it for non-generic types.</summary>
    public string ClrFullName => Namespace.Length == 0 ? NestedName("+") : Namespace + "." + NestedName("+");

    /// <summary>The <c>global::</c>-qualified C# name.</summary>
    public string FullyQualifiedName => "global::" + (Namespace.Length == 0 ? NestedName(".") : Namespace + "." + NestedName("."));

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
