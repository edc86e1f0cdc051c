using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Partisan.Processes;

/// <summary>
/// A process's mailbox: many writers, one reader, unbounded, arrival order. Small on purpose, since a node may hold a
/// million of them idle: no queue array until a message has to wait in it (one arriving while the reader waits is
/// handed straight to it), and the reader's one wait is this object itself (<see cref="IValueTaskSource{TResult}"/>),
/// reused wait after wait. Writers and the reader take the mailbox's lock for a few instructions; the reader's
/// continuation runs on the thread pool, never inside a sender.
/// </summary>
internal sealed class Mailbox : IValueTaskSource<object>
{
    private const int FirstCapacity = 4;

    /// <summary>An emptied queue keeps its array up to this size; a larger one (left by a burst) is dropped.</summary>
    private const int KeptCapacity = 64;

    private object[]? _items;
    private int _head;
    private int _count;
    private bool _waiting;
    private bool _closed;

    // Completed under the lock: a reader that sees it completed may start its next wait (Reset) at once, which must not
    // overlap the completing thread still inside SetResult.
    private ManualResetValueTaskSourceCore<object> _wait = new() { RunContinuationsAsynchronously = true };

    /// <summary>Messages waiting (not counting one handed to the waiting reader).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds <paramref name="message"/>, or hands it to the waiting reader; false once the mailbox is closed.</summary>
    public bool Post(object message)
    {
        lock (this)
        {
            if (_closed)
            {
                return false;
            }

            if (_waiting)
            {
                _waiting = false;
                _wait.SetResult(message);
            }
            else
            {
                Enqueue(message);
            }

            return true;
        }
    }

    /// <summary>Takes the next message if one is waiting (also after the mailbox closed: what is left can be drained).</summary>
    public bool TryTake([NotNullWhen(true)] out object? message)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            message = null; // a post still inside the lock is not there yet
            return false;
        }

        lock (this)
        {
            if (_count == 0)
            {
                message = null;
                return false;
            }

            message = Dequeue();
            return true;
        }
    }

    /// <summary>
    /// The next message: at once if one is waiting, else when one arrives. Once the mailbox is closed and empty, or when
    /// it closes during the wait, throws <see cref="OperationCanceledException"/>. One reader at a time.
    /// </summary>
    public ValueTask<object> ReceiveAsync()
    {
        lock (this)
        {
            if (_count != 0)
            {
                return new ValueTask<object>(Dequeue());
            }

            if (_closed)
            {
                return ValueTask.FromException<object>(Closed());
            }

            _wait.Reset();
            _waiting = true;
            return new ValueTask<object>(this, _wait.Version);
        }
    }

    /// <summary>As <see cref="ReceiveAsync()"/>, and <paramref name="token"/> cancels the wait (a message that arrives after stays queued).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<object> ReceiveCancellableAsync(CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        ValueTask<object> wait = ReceiveAsync();
        if (wait.IsCompleted || !token.CanBeCanceled)
        {
            return await wait.ConfigureAwait(false);
        }

        // Disposed before this method returns, so the callback can only ever cancel this wait, not the reader's next one.
        using (token.UnsafeRegister(static (state, cancelled) => ((Mailbox)state!).CancelWait(cancelled), this))
        {
            return await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Refuses further posts and wakes a waiting reader with <see cref="OperationCanceledException"/>; what is queued stays for <see cref="TryTake"/>.</summary>
    public void Close()
    {
        lock (this)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            if (_waiting)
            {
                _waiting = false;
                _wait.SetException(Closed());
            }
        }
    }

    private void CancelWait(CancellationToken token)
    {
        lock (this)
        {
            if (_waiting)
            {
                _waiting = false;
                _wait.SetException(new OperationCanceledException(token));
            }
        }
    }

    private static OperationCanceledException Closed() => new("The process is exiting.");

    private void Enqueue(object message)
    {
        object[]? items = _items;
        if (items is null)
        {
            items = _items = new object[FirstCapacity];
            _head = 0;
        }
        else if (_count == items.Length)
        {
            items = Grow(items);
        }

        items[(_head + _count) & (items.Length - 1)] = message;
        Volatile.Write(ref _count, _count + 1);
    }

    private object Dequeue()
    {
        object[] items = _items!;
        object message = items[_head];
        items[_head] = null!;
        _head = (_head + 1) & (items.Length - 1);
        Volatile.Write(ref _count, _count - 1);
        if (_count == 0 && items.Length > KeptCapacity)
        {
            _items = null;
            _head = 0;
        }

        return message;
    }

    private object[] Grow(object[] items)
    {
        // Full: the messages run from _head to the end, then from 0 to _head. Sizes stay powers of two.
        var larger = new object[items.Length * 2];
        int tail = items.Length - _head;
        Array.Copy(items, _head, larger, 0, tail);
        Array.Copy(items, 0, larger, tail, _head);
        _items = larger;
        _head = 0;
        return larger;
    }

    object IValueTaskSource<object>.GetResult(short token)
    {
        try
        {
            return _wait.GetResult(token);
        }
        finally
        {
            lock (this)
            {
                _wait.Reset(); // lets go of the message (an idle process would hold its last one) and of the continuation
            }
        }
    }

    ValueTaskSourceStatus IValueTaskSource<object>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<object>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
