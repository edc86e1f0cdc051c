namespace Partisan;

/// <summary>Base class of the exceptions Partisan throws.</summary>
public class PartisanException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public PartisanException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public PartisanException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public PartisanException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
