namespace Partisan.Calls;

/// <summary>A call waiting for its answer, whatever the type of reply it expects (<see cref="PendingCall{TReply}"/>).</summary>
internal interface IPendingCall
{
    /// <summary>The server called.</summary>
    ProcessRef Server { get; }

    /// <summary>The id of the call's tag: its key among the node's pending calls.</summary>
    long TagId { get; }

    /// <summary>Completes the call with the server's reply (a reply of the wrong type fails it).</summary>
    void Complete(object? value);

    /// <summary>Fails the call with <paramref name="error"/>.</summary>
    void Fail(Exception error);
}
