namespace Partisan;

/// <summary>What a gen_server's callbacks see: identity, node, clock, and the means to reply later and to stop.</summary>
public sealed class GenServerContext
{
    /// <summary>Calls taken and not answered yet. Locked: a <see cref="ReplyTo{T}"/> may answer from any task.</summary>
    private readonly HashSet<CallHandle> _outstanding = new();

    internal GenServerContext(ProcessContext process) => Process = process;

    /// <summary>The server's pid.</summary>
    public Pid Self => Process.Self;

    /// <summary>The node it runs on.</summary>
    public PartisanNode Node => Process.Node;

    /// <summary>The underlying process (mailbox, monitors).</summary>
    public ProcessContext Process { get; }

    /// <summary>The node's clock.</summary>
    public TimeProvider Time => Process.Node.TimeProvider;

    /// <summary>Set by <see cref="Stop"/>; the server stops after the current message.</summary>
    public ExitReason? StopReason { get; private set; }

    /// <summary>Stops the server after the current message, with <paramref name="reason"/>.</summary>
    public void Stop(ExitReason reason) => StopReason = reason ?? throw new ArgumentNullException(nameof(reason));

    /// <summary>Answers a call whose handler returned <see cref="CallResult.NoReply"/> (<c>gen_server:reply</c>).</summary>
    public void Reply(CallHandle from, object? value)
    {
        Untrack(from);
        from.Reply(value);
    }

    /// <summary>Fails a call whose handler returned <see cref="CallResult.NoReply"/> with <paramref name="error"/>; the server keeps running.</summary>
    public void Fail(CallHandle from, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Untrack(from);
        from.Fail(error);
    }

    /// <summary>Monitors <paramref name="target"/>; the <see cref="Down"/> arrives as an info message.</summary>
    public Ref Monitor(ProcessRef target) => Process.Monitor(target);

    internal void Track(CallHandle from)
    {
        lock (_outstanding)
        {
            _outstanding.Add(from);
        }
    }

    internal void Untrack(CallHandle from)
    {
        lock (_outstanding)
        {
            _outstanding.Remove(from);
        }
    }

    /// <summary>Fails every call not yet answered (the server is exiting).</summary>
    internal void FailOutstanding(ExitReason reason)
    {
        CallHandle[] unanswered;
        lock (_outstanding)
        {
            unanswered = new CallHandle[_outstanding.Count];
            _outstanding.CopyTo(unanswered);
            _outstanding.Clear();
        }

        foreach (CallHandle handle in unanswered)
        {
            handle.FailExited(reason);
        }
    }
}
