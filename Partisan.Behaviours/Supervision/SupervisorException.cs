namespace Partisan;

/// <summary>A supervisor refused a child operation; <see cref="Error"/> is OTP's error atom (<c>not_found</c>, <c>running</c>, <c>already_present</c>).</summary>
public sealed class SupervisorException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/> about child <paramref name="childId"/>.</summary>
    public SupervisorException(string error, string childId)
        : base($"Child '{childId}': {error}.")
    {
        Error = error;
        ChildId = childId;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SupervisorException(string message)
        : base(message)
    {
        Error = "error";
        ChildId = string.Empty;
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public SupervisorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = "error";
        ChildId = string.Empty;
    }

    /// <summary>Creates the exception with no detail.</summary>
    public SupervisorException()
        : this("The supervisor refused the operation.")
    {
    }

    /// <summary>OTP's error atom: <c>not_found</c>, <c>running</c>, <c>already_present</c>, or <c>error</c>.</summary>
    public string Error { get; }

    /// <summary>The child the operation named.</summary>
    public string ChildId { get; }
}
