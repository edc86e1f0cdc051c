using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Partisan.Generators.Diagnostics;

namespace Partisan.Generators.Helpers;

/// <summary>
/// A diagnostic as a pipeline value: the descriptor id, where it points (file path, span and line
/// span, so no <see cref="SyntaxTree"/> is kept alive) and its message arguments. Turned back into a
/// <see cref="Diagnostic"/> only when reported.
/// </summary>
internal sealed record DiagnosticInfo(
    string Id,
    string FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan,
    EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        location ??= Location.None;
        string path = location.SourceTree?.FilePath ?? string.Empty;
        LinePositionSpan lines = location.IsInSource ? location.GetLineSpan().Span : default;
        return new DiagnosticInfo(descriptor.Id, path, location.SourceSpan, lines, new EquatableArray<string>(arguments));
    }

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        location is null
            ? new DiagnosticInfo(descriptor.Id, string.Empty, default, default, new EquatableArray<string>(arguments))
            : new DiagnosticInfo(descriptor.Id, location.FilePath, location.Span, location.LineSpan, new EquatableArray<string>(arguments));

    public Diagnostic ToDiagnostic()
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(Id);
        Location location = FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
        return Diagnostic.Create(descriptor, location, Arguments.Cast<object>().ToArray());
    }
}
