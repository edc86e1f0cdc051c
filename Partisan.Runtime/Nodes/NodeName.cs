using System.Diagnostics.CodeAnalysis;

namespace Partisan;

/// <summary>
/// The name of a node, <c>name@host</c>, as in Erlang. Validated on construction:
/// the name part is letters, digits, <c>_</c>, <c>-</c> and <c>.</c>; the host part is a
/// host name or an IPv4 address (letters, digits, <c>.</c>, <c>-</c>, <c>_</c>). A colon is not
/// allowed anywhere because the URI form of remote references uses it as a separator.
/// </summary>
public readonly struct NodeName : IEquatable<NodeName>, IComparable<NodeName>
{
    /// <summary>The longest node name accepted, in characters.</summary>
    public const int MaxLength = 255;

    private readonly string? _value;

    private NodeName(string value) => _value = value;

    /// <summary>The full name, <c>name@host</c>.</summary>
    public string Value => _value ?? throw new InvalidOperationException("NodeName is default (uninitialised).");

    /// <summary>True when this is the default (uninitialised) value.</summary>
    public bool IsDefault => _value is null;

    /// <summary>The part before <c>@</c>.</summary>
    public string Name => Value[..Value.IndexOf('@', StringComparison.Ordinal)];

    /// <summary>The part after <c>@</c>.</summary>
    public string Host => Value[(Value.IndexOf('@', StringComparison.Ordinal) + 1)..];

    /// <summary>Parses and validates <c>name@host</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid node name; the message says why.</exception>
    public static NodeName Parse(string text)
    {
        string? error = Validate(text);
        if (error is not null)
        {
            throw new FormatException(error);
        }

        return new NodeName(text);
    }

    /// <summary>Parses <c>name@host</c>, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out NodeName name)
    {
        if (text is not null && Validate(text) is null)
        {
            name = new NodeName(text);
            return true;
        }

        name = default;
        return false;
    }

    /// <summary>Builds <c>name@host</c> from its parts, validating both.</summary>
    public static NodeName Create(string name, string host) => Parse(name + "@" + host);

    /// <summary>Returns null when <paramref name="text"/> is a valid node name, otherwise why it is not.</summary>
    public static string? Validate(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "A node name must not be empty; expected 'name@host'.";
        }

        if (text.Length > MaxLength)
        {
            return $"The node name is {text.Length} characters long; at most {MaxLength} are allowed.";
        }

        int at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || at != text.LastIndexOf('@'))
        {
            return $"'{Printable(text)}' is not a valid node name: expected exactly one '@', as in 'name@host'.";
        }

        if (at == 0)
        {
            return $"'{Printable(text)}' is not a valid node name: the part before '@' is empty.";
        }

        if (at == text.Length - 1)
        {
            return $"'{Printable(text)}' is not a valid node name: the host after '@' is empty.";
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (i == at)
            {
                continue;
            }

            bool ok = char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
            if (!ok)
            {
                return $"'{Printable(text)}' is not a valid node name: character {Printable(c)} at position {i} is not allowed (use letters, digits, '_', '-', '.').";
            }
        }

        return null;
    }

    /// <summary>A character for an error message: quoted, or as U+XXXX when it is a control character.</summary>
    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    /// <summary>Text for an error message, with control characters (which could corrupt logs) shown as U+XXXX.</summary>
    private static string Printable(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                builder.Append("U+").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(NodeName other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeName other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <inheritdoc />
    public int CompareTo(NodeName other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? "<none>";

    /// <summary>Equality.</summary>
    public static bool operator ==(NodeName left, NodeName right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(NodeName left, NodeName right) => !left.Equals(right);

    /// <summary>Ordinal ordering.</summary>
    public static bool operator <(NodeName left, NodeName right) => left.CompareTo(right) < 0;

    /// <summary>Ordinal ordering.</summary>
    public static bool operator >(NodeName left, NodeName right) => left.CompareTo(right) > 0;

    /// <summary>Ordinal ordering.</summary>
    public static bool operator <=(NodeName left, NodeName right) => left.CompareTo(right) <= 0;

    /// <summary>Ordinal ordering.</summary>
    public static bool operator >=(NodeName left, NodeName right) => left.CompareTo(right) >= 0;
}
