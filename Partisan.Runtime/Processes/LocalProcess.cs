using System.Threading.Channels;

namespace Partisan.Processes;

/// <summary>A process on this node: a mailbox (single reader) and the task running its body.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer and may be cancelled after exit; it is left to the GC.")]
internal sealed class LocalProcess : IMessageTarget
{
    private readonly Channel<object> _mailbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<ExitReason> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExitReason? _reason;
    private int _cleanedUp;

    public LocalProcess(Pid pid, string? name)
    {
        Pid = pid;
        Name = name;
    }

    public Pid Pid { get; }

    public string? Name { get; }

    /// <summary>The type of the behaviour running the process (set once by it), or null for a plain body.</summary>
    public Type? Behaviour
    {
        get => Volatile.Read(ref _behaviour);
        set => Volatile.Write(ref _behaviour, value);
    }

    private Type? _behaviour;

    /// <summary>Erlang's <c>trap_exit</c> flag: exit signals become <see cref="Partisan.Exit"/> messages instead of ending the process.</summary>
    public bool TrapExit
    {
        get => Volatile.Read(ref _trapExit);
        set => Volatile.Write(ref _trapExit, value);
    }

    private bool _trapExit;

    // Counted here: a single-reader unbounded channel cannot count its items.
    private int _depth;

    /// <summary>Messages waiting in the mailbox.</summary>
    public int MailboxDepth => Math.Max(0, Volatile.Read(ref _depth));

    /// <summary>The process took a message from <see cref="Mailbox"/>.</summary>
    public void Taken() => Interlocked.Decrement(ref _depth);

    public ChannelReader<object> Mailbox => _mailbox.Reader;

    public CancellationToken Stopping => _stopping.Token;

    public Task<ExitReason> Exited => _exited.Task;

    public ExitReason? Reason => Volatile.Read(ref _reason);

    public bool Post(object message)
    {
        Interlocked.Increment(ref _depth); // before the write, so a reader never sees it taken before it was counted
        if (_mailbox.Writer.TryWrite(message))
        {
            return true;
        }

        Interlocked.Decrement(ref _depth);
        return false;
    }

    /// <summary>Records the exit reason (first one wins), stops the mailbox and signals the body. True if this call decided the reason.</summary>
    public bool TryTerminate(ExitReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, reason, null) is not null)
        {
            return false;
        }

        _mailbox.Writer.TryComplete();
        _stopping.Cancel();
        return true;
    }

    /// <summary>True exactly once: the caller runs the exit clean-up.</summary>
    public bool BeginCleanup() => Interlocked.Exchange(ref _cleanedUp, 1) == 0;

    public void CompleteExit() => _exited.TrySetResult(_reason ?? ExitReason.Normal);
}
