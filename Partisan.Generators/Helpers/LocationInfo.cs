using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Partisan.Generators.Helpers;

/// <summary>A source location as plain values (no <see cref="SyntaxTree"/>), for diagnostics computed after collecting models.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is { IsInSource: true } ? new LocationInfo(location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span) : null;
}
