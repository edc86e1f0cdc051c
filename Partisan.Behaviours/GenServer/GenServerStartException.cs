namespace Partisan;

/// <summary>A gen_server's <see cref="IGenServer.InitAsync"/> threw, so it did not start.</summary>
public class GenServerStartException : PartisanException
{
    /// <summary>Creates an exception with no message.</summary>
    public GenServerStartException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public GenServerStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the init failure.</summary>
    public GenServerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
