using System.IO.Pipelines;
using Partisan.Transport;

namespace Partisan.Tests.Support;

/// <summary>
/// Wraps a transport to inject the faults an outside harness found: a dial reset right after the peer's
/// Challenge whose disposal then throws, an unexpected exception inside a connection's reader, a flush that fails
/// after its bytes reached the peer, and a flush held (as a full socket holds it) until the test releases it.
/// </summary>
internal sealed class FaultyTransport(ITransport inner) : ITransport
{
    private int _failDialsAfterChallenge;
    private int _throwInNextRead;
    private int _failFlushAfterDelivering;
    private int _refuseAllDials;
    private int _holdFlushAtLeast;
    private TaskCompletionSource? _flushGate;

    /// <summary>The next <paramref name="count"/> dials fail writing their Auth frame, and disposing them throws.</summary>
    public void FailDialsAfterChallenge(int count) => Volatile.Write(ref _failDialsAfterChallenge, count);

    /// <summary>The next read on any connection throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    public void ThrowInNextRead() => Volatile.Write(ref _throwInNextRead, 1);

    /// <summary>
    /// The next flush of at least <paramref name="minBytes"/> bytes on any connection goes through to the peer, then
    /// fails as a reset would: the writer cannot tell how much of its batch arrived.
    /// </summary>
    public void FailNextFlushAfterDelivering(int minBytes) => Volatile.Write(ref _failFlushAfterDelivering, minBytes);

    public int FlushesFailedAfterDelivering;

    /// <summary>While set, every dial is refused, as when the peer's listener is gone.</summary>
    public void RefuseAllDials(bool refuse) => Volatile.Write(ref _refuseAllDials, refuse ? 1 : 0);

    public int RefusedDials;

    /// <summary>
    /// The next flush of at least <paramref name="minBytes"/> bytes on any connection waits until the returned source is
    /// completed, as a flush waits on a full socket. Cancelled meanwhile, the connection is aborted and its bytes are lost.
    /// </summary>
    public TaskCompletionSource HoldNextFlush(int minBytes)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _flushGate, gate);
        Volatile.Write(ref _holdFlushAtLeast, minBytes);
        return gate;
    }

    public int FlushesHeld;

    public int FailedDials;

    public int ReadsFailed;

    public ValueTask<ITransportListener> ListenAsync(ListenAddress address, Func<ITransportConnection, Task> onAccepted, CancellationToken cancellationToken) =>
        inner.ListenAsync(address, connection => onAccepted(new Connection(this, connection, failAfterChallenge: false)), cancellationToken);

    public async ValueTask<ITransportConnection> ConnectAsync(ListenAddress address, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _refuseAllDials) == 1)
        {
            Interlocked.Increment(ref RefusedDials);
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused);
        }

        ITransportConnection connection = await inner.ConnectAsync(address, cancellationToken);
        bool fail = Interlocked.Decrement(ref _failDialsAfterChallenge) >= 0;
        if (!fail)
        {
            Interlocked.Increment(ref _failDialsAfterChallenge);
        }

        return new Connection(this, connection, fail);
    }

    private sealed class Connection : ITransportConnection
    {
        private readonly ITransportConnection _inner;
        private readonly bool _failAfterChallenge;

        public Connection(FaultyTransport owner, ITransportConnection inner, bool failAfterChallenge)
        {
            _inner = inner;
            _failAfterChallenge = failAfterChallenge;
            Input = new Reader(owner, inner.Input);
            Output = new Writer(owner, inner.Output, failAfterChallenge, inner.Abort);
        }

        public PipeReader Input { get; }

        public PipeWriter Output { get; }

        public string RemoteEndPoint => _inner.RemoteEndPoint;

        public void Abort() => _inner.Abort();

        public async ValueTask DisposeAsync()
        {
            await _inner.DisposeAsync();
            if (_failAfterChallenge)
            {
                throw new InvalidOperationException("Output.CompleteAsync() on an aborted socket (injected).");
            }
        }
    }

    private sealed class Reader(FaultyTransport owner, PipeReader inner) : PipeReader
    {
        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref owner._throwInNextRead, 0) == 1
                ? Fail()
                : inner.ReadAsync(cancellationToken);

        private ValueTask<ReadResult> Fail()
        {
            Interlocked.Increment(ref owner.ReadsFailed);
            throw new ArgumentOutOfRangeException("cancellationToken", "Injected: the read failed unexpectedly.");
        }

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);
    }

    private sealed class Writer(FaultyTransport owner, PipeWriter inner, bool failAfterChallenge, Action abort) : PipeWriter
    {
        private int _flushes;
        private long _unflushed;

        public override void Advance(int bytes)
        {
            _unflushed += bytes;
            inner.Advance(bytes);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (failAfterChallenge && ++_flushes == 2)
            {
                Interlocked.Increment(ref owner.FailedDials);
                throw new IOException("Injected: the connection was reset after the Challenge.");
            }

            long unflushed = _unflushed;
            _unflushed = 0;
            int armed = Volatile.Read(ref owner._failFlushAfterDelivering);
            if (armed > 0 && unflushed >= armed && Interlocked.CompareExchange(ref owner._failFlushAfterDelivering, 0, armed) == armed)
            {
                return DeliverThenFail(cancellationToken);
            }

            int hold = Volatile.Read(ref owner._holdFlushAtLeast);
            if (hold > 0 && unflushed >= hold && Interlocked.CompareExchange(ref owner._holdFlushAtLeast, 0, hold) == hold)
            {
                return HeldFlush(Volatile.Read(ref owner._flushGate)!.Task, cancellationToken);
            }

            return inner.FlushAsync(cancellationToken);
        }

        private async ValueTask<FlushResult> HeldFlush(Task gate, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner.FlushesHeld);
            try
            {
                await gate.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                abort(); // the socket goes with what it had not sent
                throw;
            }

            return await inner.FlushAsync(cancellationToken);
        }

        private async ValueTask<FlushResult> DeliverThenFail(CancellationToken cancellationToken)
        {
            await inner.FlushAsync(cancellationToken);
            Interlocked.Increment(ref owner.FlushesFailedAfterDelivering);
            throw new IOException("Injected: the connection was reset after the batch had been sent.");
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
