namespace Partisan;

/// <summary>
/// Starts servers and state machines linked to a parent process (OTP's <c>start_link</c>) without a separate
/// generated method: inside <c>using (LinkedStart.To(parent))</c>, the next server or state machine started in this
/// asynchronous flow (a generated <c>StartAsync</c>, <see cref="GenServer.StartAsync"/>, <see cref="GenStatem.StartAsync{TState, TData}"/>)
/// is spawned linked to the scope's parent: the link exists before its init runs. A scope links one start only, and
/// only while it is open: later starts, and processes that inherited the flow (the child's own children), are not linked.
/// </summary>
public static class LinkedStart
{
    private static readonly AsyncLocal<Pending?> Current = new();

    /// <summary>Links the next start in this flow to <paramref name="parent"/> until the returned scope is disposed.</summary>
    public static IDisposable To(Pid parent)
    {
        var pending = new Pending(parent, Current.Value);
        Current.Value = pending;
        return pending;
    }

    /// <summary>The parent the next start links to, consumed: one scope links one start.</summary>
    internal static Pid? Take() => Current.Value is { } pending && pending.TryUse() ? pending.Parent : null;

    /// <summary>
    /// One scope's parent. Shared by reference with every flow that inherited it, so using it (or closing the scope) is
    /// seen everywhere: a process spawned inside the scope cannot link its own children to the parent later.
    /// </summary>
    private sealed class Pending(Pid parent, Pending? previous) : IDisposable
    {
        private int _used;

        public Pid Parent => parent;

        public bool TryUse() => Interlocked.Exchange(ref _used, 1) == 0;

        public void Dispose()
        {
            Interlocked.Exchange(ref _used, 1);
            Current.Value = previous;
        }
    }
}
