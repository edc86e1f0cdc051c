using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace Partisan.Generators.Tests.Support;

/// <summary>Expected diagnostics marked in test source as <c>{|PARTISAN001:text|}</c>.</summary>
public static partial class Markup
{
    [GeneratedRegex(@"\{\|(?<id>[A-Z]+[0-9]+):(?<text>.*?)\|\}", RegexOptions.Singleline)]
    private static partial Regex Marker();

    /// <summary>The source without markers, and each marker's id and span (offset by <paramref name="prefixLength"/>).</summary>
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup, int prefixLength)
    {
        var source = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        int last = 0;
        foreach (Match match in Marker().Matches(markup))
        {
            source.Append(markup, last, match.Index - last);
            string text = match.Groups["text"].Value;
            expected.Add((match.Groups["id"].Value, new TextSpan(prefixLength + source.Length, text.Length)));
            source.Append(text);
            last = match.Index + match.Length;
        }

        source.Append(markup, last, markup.Length - last);
        return (source.ToString(), expected);
    }
}
