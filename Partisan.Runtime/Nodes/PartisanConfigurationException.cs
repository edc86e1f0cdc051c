namespace Partisan;

/// <summary>The node's options are invalid; <see cref="Exception.Message"/> lists every problem.</summary>
public class PartisanConfigurationException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public PartisanConfigurationException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public PartisanConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public PartisanConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception listing <paramref name="errors"/>.</summary>
    public PartisanConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid Partisan configuration: " + string.Join(" ", errors ?? Array.Empty<string>()))
    {
        Errors = errors ?? Array.Empty<string>();
    }

    /// <summary>The problems found.</summary>
    public IReadOnlyList<string> Errors { get; } = Array.Empty<string>();
}
