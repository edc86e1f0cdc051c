namespace Partisan.Broadcast;

/// <summary>A handler's answer to a graft: <see cref="Found"/>, <see cref="Stale"/> or <see cref="Failed"/>.</summary>
public readonly record struct GraftResult
{
    private GraftResult(GraftResultKind kind, object? payload, string? error)
    {
        Kind = kind;
        Payload = payload;
        Error = error;
    }

    /// <summary>Which answer this is.</summary>
    public GraftResultKind Kind { get; }

    /// <summary>The payload to send, for <see cref="GraftResultKind.Payload"/>.</summary>
    public object? Payload { get; }

    /// <summary>Why the handler could not answer, for <see cref="GraftResultKind.Error"/>.</summary>
    public string? Error { get; }

    /// <summary>The message is superseded: nothing to send.</summary>
    public static GraftResult Stale { get; } = new(GraftResultKind.Stale, null, null);

    /// <summary>Send <paramref name="payload"/> to the peer that asked.</summary>
    public static GraftResult Found(object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new GraftResult(GraftResultKind.Payload, payload, null);
    }

    /// <summary>The handler cannot answer, for <paramref name="reason"/> (logged).</summary>
    public static GraftResult Failed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new GraftResult(GraftResultKind.Error, null, reason);
    }
}
