namespace Partisan;

/// <summary>Rules for registered process names.</summary>
public static class RegisteredName
{
    /// <summary>The longest registered name accepted.</summary>
    public const int MaxLength = 255;

    /// <summary>Returns null when <paramref name="name"/> is a valid registered name, otherwise why it is not.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A registered name must not be empty.";
        }

        if (name.Length > MaxLength)
        {
            return $"The registered name is {name.Length} characters long; at most {MaxLength} are allowed.";
        }

        foreach (char c in name)
        {
            if (c == ':' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return $"'{name}' is not a valid registered name: it contains a colon, a control character or white space.";
            }
        }

        return null;
    }
}
