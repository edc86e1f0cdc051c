namespace Partisan.Serialization;

/// <summary>Data on the wire is malformed, truncated, too deep, too large, or names an unknown type.</summary>
public class WireFormatException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public WireFormatException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public WireFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public WireFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A type has no formatter, or two types claim the same type id.</summary>
public class TypeRegistrationException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public TypeRegistrationException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public TypeRegistrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public TypeRegistrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
