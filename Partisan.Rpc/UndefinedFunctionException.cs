namespace Partisan;

/// <summary>The called node has no such function (Erlang's <c>undef</c>); the caller sees it as a <see cref="CallFailedException"/> whose ErrorType names this type.</summary>
public class UndefinedFunctionException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public UndefinedFunctionException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public UndefinedFunctionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public UndefinedFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
