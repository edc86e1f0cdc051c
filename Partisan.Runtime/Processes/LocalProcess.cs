namespace Partisan.Processes;

/// <summary>
/// A process on this node: its mailbox, its state (exit reason, flags) and the running of its body. Kept small: a
/// node may hold a million idle processes. The body is started as a thread-pool work item (this object, no closure),
/// and its task, while it runs, is watched by one delegate; the stop token and the exit task exist only once asked for.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer and may be cancelled after exit; it is left to the GC.")]
internal sealed class LocalProcess : IMessageTarget, IThreadPoolWorkItem
{
    // The body until it starts, then its task until it ends.
    private object? _run;
    private CancellationTokenSource? _stopping;
    private TaskCompletionSource<ExitReason>? _exited;
    private ExitReason? _reason;
    private Type? _behaviour;
    private int _cleanedUp;
    private int _exitCompleted;
    private bool _trapExit;

    public LocalProcess(PartisanNode node, Pid pid, string? name, Func<ProcessContext, Task> body)
    {
        Pid = pid;
        Name = name;
        _run = body;
        Context = new ProcessContext(node, this);
    }

    public Pid Pid { get; }

    public string? Name { get; }

    /// <summary>What the body sees.</summary>
    public ProcessContext Context { get; }

    public Mailbox Mailbox { get; } = new();

    /// <summary>The type of the behaviour running the process (set once by it), or null for a plain body.</summary>
    public Type? Behaviour
    {
        get => Volatile.Read(ref _behaviour);
        set => Volatile.Write(ref _behaviour, value);
    }

    /// <summary>Erlang's <c>trap_exit</c> flag: exit signals become <see cref="Partisan.Exit"/> messages instead of ending the process.</summary>
    public bool TrapExit
    {
        get => Volatile.Read(ref _trapExit);
        set => Volatile.Write(ref _trapExit, value);
    }

    /// <summary>Messages waiting in the mailbox.</summary>
    public int MailboxDepth => Mailbox.Count;

    /// <summary>True once the process has been told to exit (its reason is decided): <see cref="Stopping"/> is then cancelled.</summary>
    public bool IsStopping => Volatile.Read(ref _reason) is not null;

    /// <summary>Cancelled when the process is told to exit. Made on first use: most processes never ask.</summary>
    public CancellationToken Stopping
    {
        get
        {
            CancellationTokenSource? stopping = Volatile.Read(ref _stopping);
            if (stopping is null)
            {
                var created = new CancellationTokenSource();
                stopping = Interlocked.CompareExchange(ref _stopping, created, null) ?? created;
                if (IsStopping)
                {
                    stopping.Cancel(); // TryTerminate may have looked before the source existed
                }
            }

            return stopping.Token;
        }
    }

    /// <summary>Completes with the final reason once the exit clean-up is done. Made on first use.</summary>
    public Task<ExitReason> Exited
    {
        get
        {
            TaskCompletionSource<ExitReason>? exited = Volatile.Read(ref _exited);
            if (exited is null)
            {
                var created = new TaskCompletionSource<ExitReason>(TaskCreationOptions.RunContinuationsAsynchronously);
                exited = Interlocked.CompareExchange(ref _exited, created, null) ?? created;
                if (Volatile.Read(ref _exitCompleted) != 0)
                {
                    exited.TrySetResult(FinalReason); // CompleteExit may have looked before the source existed
                }
            }

            return exited.Task;
        }
    }

    public ExitReason? Reason => Volatile.Read(ref _reason);

    private ExitReason FinalReason => Volatile.Read(ref _reason) ?? ExitReason.Normal;

    public bool Post(object message) => Mailbox.Post(message);

    /// <summary>Records the exit reason (first one wins), closes the mailbox and signals the body. True if this call decided the reason.</summary>
    public bool TryTerminate(ExitReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, reason, null) is not null)
        {
            return false;
        }

        Mailbox.Close();
        Volatile.Read(ref _stopping)?.Cancel();
        return true;
    }

    /// <summary>True exactly once: the caller runs the exit clean-up.</summary>
    public bool BeginCleanup() => Interlocked.Exchange(ref _cleanedUp, 1) == 0;

    public void CompleteExit()
    {
        Interlocked.Exchange(ref _exitCompleted, 1);
        Volatile.Read(ref _exited)?.TrySetResult(FinalReason);
    }

    /// <summary>
    /// Queues the body on the thread pool. It does not inherit the spawner's execution context (no async locals, no span).
    /// Queued as <c>Task.Run</c> queued it: on a pool thread, to that thread's own queue, so the spawner goes on (to
    /// <c>WhenExited</c>, a monitor) before a short body has run, unless an idle thread steals it.
    /// </summary>
    public void Start() => _ = ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);

    void IThreadPoolWorkItem.Execute()
    {
        var body = (Func<ProcessContext, Task>)_run!;
        _run = null;
        Task? task = Context.Node.StartBody(this, body);
        if (task is null)
        {
            return; // ended at once, already handled
        }

        _run = task;
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(BodyEnded);
    }

    private void BodyEnded()
    {
        var task = (Task)_run!;
        _run = null;
        Context.Node.EndBody(this, task);
    }
}
