namespace Partisan;

/// <summary>Base class of call failures; <see cref="Server"/> is whom the call went to.</summary>
public class CallException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public CallException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public CallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public CallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about a call to <paramref name="server"/>.</summary>
    public CallException(ProcessRef server, string message)
        : base(message)
    {
        Server = server;
    }

    /// <summary>The server called.</summary>
    public ProcessRef Server { get; }
}

/// <summary>No reply came within the call's timeout. A reply that arrives later is dropped.</summary>
public class CallTimeoutException : CallException
{
    /// <summary>Creates an exception with no message.</summary>
    public CallTimeoutException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public CallTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public CallTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a call to <paramref name="server"/> that timed out after <paramref name="timeout"/>.</summary>
    public CallTimeoutException(ProcessRef server, TimeSpan timeout)
        : base(server, $"The call to {server} got no reply within {timeout.TotalMilliseconds:0.#} ms.")
    {
        Timeout = timeout;
    }

    /// <summary>The timeout that expired.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>
/// The server is not there: it did not exist (<c>noproc</c>), it exited before replying (its exit reason),
/// or its node went down or could not be reached (<c>noconnection</c>).
/// </summary>
public class CalleeDownException : CallException
{
    /// <summary>Creates an exception with no message.</summary>
    public CalleeDownException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public CalleeDownException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public CalleeDownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for <paramref name="server"/> gone with <paramref name="reason"/>.</summary>
    public CalleeDownException(ProcessRef server, ExitReason reason)
        : base(server, Describe(server, reason))
    {
        Reason = reason;
    }

    /// <summary>Why the server is not there.</summary>
    public ExitReason Reason { get; } = ExitReason.NoProc;

    private static string Describe(ProcessRef server, ExitReason? reason) => reason?.Kind switch
    {
        "noproc" => $"The call to {server} failed: no such process.",
        "noconnection" => $"The call to {server} failed: its node {server.Node} is down or unreachable.",
        _ => $"The call to {server} failed: the server exited ({reason}).",
    };
}

/// <summary>The server's handler threw while handling the call; the server stopped with that error.</summary>
public class CallFailedException : CallException
{
    /// <summary>Creates an exception with no message.</summary>
    public CallFailedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public CallFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public CallFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a handler of <paramref name="server"/> that threw <paramref name="errorType"/>.</summary>
    public CallFailedException(ProcessRef server, string errorType, string errorMessage)
        : base(server, $"The call to {server} failed: the handler threw {errorType}: {errorMessage}")
    {
        ErrorType = errorType;
        ErrorMessage = errorMessage;
    }

    /// <summary>The full name of the exception type the handler threw.</summary>
    public string? ErrorType { get; }

    /// <summary>Its message.</summary>
    public string? ErrorMessage { get; }
}
