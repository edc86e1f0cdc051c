using System.Globalization;

namespace Partisan;

/// <summary>An address a node listens on, <c>host:port</c> (IPv4 or a host name).</summary>
/// <param name="Host">The IP address or host name.</param>
/// <param name="Port">The TCP port (0 = pick a free one when listening).</param>
public readonly record struct ListenAddress(string Host, int Port)
{
    /// <summary>Parses <c>host:port</c>.</summary>
    /// <exception cref="FormatException">Not a valid address; the message says why.</exception>
    public static ListenAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not a listen address: expected 'host:port', e.g. '127.0.0.1:9000'.");
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new FormatException($"'{text}' is not a listen address: the port must be a number from 0 to 65535.");
        }

        return new ListenAddress(text[..colon], port);
    }

    /// <inheritdoc />
    public override string ToString() => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
