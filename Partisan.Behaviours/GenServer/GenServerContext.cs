namespace Partisan;

/// <summary>What a gen_server's callbacks see: identity, node, clock, and the means to reply later and to stop.</summary>
public sealed class GenServerContext
{
    // Calls taken and not answered yet: one in _first (the common case: a server answers a call before it takes the
    // next, and an idle server then holds no set at all), any others in _more. Locked on this context, which the runtime
    // never hands to another lock: a ReplyTo<T> may answer from any task.
    private CallHandle _first;
    private HashSet<CallHandle>? _more;

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
        lock (this)
        {
            if (!_first.IsValid)
            {
                _first = from;
            }
            else
            {
                (_more ??= new HashSet<CallHandle>()).Add(from);
            }
        }
    }

    internal void Untrack(CallHandle from)
    {
        lock (this)
        {
            if (_first.IsValid && _first == from)
            {
                _first = default;
            }
            else
            {
                _more?.Remove(from);
            }
        }
    }

    /// <summary>Fails every call not yet answered (the server is exiting).</summary>
    internal void FailOutstanding(ExitReason reason)
    {
        CallHandle[] unanswered;
        lock (this)
        {
            int first = _first.IsValid ? 1 : 0;
            unanswered = new CallHandle[first + (_more?.Count ?? 0)];
            if (first == 1)
            {
                unanswered[0] = _first;
            }

            _more?.CopyTo(unanswered, first);
            _first = default;
            _more = null;
        }

        foreach (CallHandle handle in unanswered)
        {
            handle.FailExited(reason);
        }
    }
}
