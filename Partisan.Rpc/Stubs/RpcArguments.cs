using System.ComponentModel;

namespace Partisan;

/// <summary>
/// Checks the arguments of an RPC before a generated binding calls the implementation. A wrong count or type is an
/// <see cref="ArgumentException"/>, which the caller receives as a <see cref="CallFailedException"/>; the server stays up.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RpcArguments
{
    /// <summary>Throws unless <paramref name="arguments"/> has exactly <paramref name="expected"/> elements.</summary>
    /// <param name="arguments">The arguments received.</param>
    /// <param name="expected">How many the function takes.</param>
    /// <param name="module">The function's module.</param>
    /// <param name="function">The function's name.</param>
    /// <exception cref="ArgumentException">The count is wrong.</exception>
    public static void CheckCount(object?[] arguments, int expected, string module, string function)
    {
        int count = arguments?.Length ?? 0;
        if (count != expected)
        {
            throw new ArgumentException(
                $"{module}:{function} takes {Plural(expected)}, but the call has {Plural(count)}.", nameof(arguments));
        }
    }

    /// <summary>The argument at <paramref name="index"/> as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="arguments">The arguments received.</param>
    /// <param name="index">The parameter's position among the sent parameters.</param>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="allowNull">True when the parameter may be null.</param>
    /// <param name="module">The function's module.</param>
    /// <param name="function">The function's name.</param>
    /// <exception cref="ArgumentException">The argument is not a <typeparamref name="T"/> (or is null where null is not allowed).</exception>
    public static T Get<T>(object?[] arguments, int index, string parameter, bool allowNull, string module, string function)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        object? value = arguments[index];
        if (value is T typed)
        {
            return typed;
        }

        if (value is null)
        {
            if (allowNull)
            {
                return default!;
            }

            throw new ArgumentException($"Argument {index} ('{parameter}') of {module}:{function} is null, but the parameter does not allow null.", nameof(arguments));
        }

        throw new ArgumentException(
            $"Argument {index} ('{parameter}') of {module}:{function} is a {Name(value.GetType())}, not a {Name(typeof(T))}.", nameof(arguments));
    }

    private static string Name(Type type) => Nullable.GetUnderlyingType(type) is { } underlying ? underlying.FullName + "?" : type.FullName ?? type.Name;

    private static string Plural(int count) => count == 1 ? "1 argument" : count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " arguments";
}
