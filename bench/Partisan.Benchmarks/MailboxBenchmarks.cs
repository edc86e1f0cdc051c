using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Partisan.Benchmarks;

/// <summary>
/// Mailbox cost: the runtime's process mailbox (<see cref="Partisan.Processes.Mailbox"/>) beside the bare unbounded
/// channel it replaced (same options), and local sends to a real spawned process that counts them (Send, mailbox, the
/// process's ReceiveAsync loop).
/// </summary>
[MemoryDiagnoser]
public class MailboxBenchmarks
{
    private const int Burst = 1000;
    private static readonly object Message = new();
    private readonly Channel<object> _mailbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private readonly Partisan.Processes.Mailbox _ours = new();
    private PartisanNode _node = null!;
    private Pid _counter;
    private TaskCompletionSource _burstDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [GlobalSetup]
    public void Setup()
    {
        var options = new PartisanOptions { NodeName = "mailbox@127.0.0.1" };
        _node = PartisanNode.StartAsync(options).GetAwaiter().GetResult();
        _counter = _node.Spawn(async ctx =>
        {
            int seen = 0;
            while (true)
            {
                await ctx.ReceiveAsync();
                if (++seen == Burst)
                {
                    seen = 0;
                    _burstDone.SetResult();
                }
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup() => _node.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Enqueue then dequeue one message on the same thread (no waiting reader).</summary>
    [Benchmark]
    public object ChannelWriteRead()
    {
        _mailbox.Writer.TryWrite(Message);
        _mailbox.Reader.TryRead(out object? message);
        return message!;
    }

    /// <summary>The same with the runtime's mailbox.</summary>
    [Benchmark]
    public object MailboxPostTake()
    {
        _ours.Post(Message);
        _ours.TryTake(out object? message);
        return message!;
    }

    /// <summary>The same burst with the runtime's mailbox.</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public int MailboxBurst()
    {
        for (int i = 0; i < Burst; i++)
        {
            _ours.Post(Message);
        }

        int n = 0;
        while (_ours.TryTake(out _))
        {
            n++;
        }

        return n;
    }

    /// <summary>Enqueue a burst, then drain it (the queue grows and shrinks).</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public int ChannelBurst()
    {
        for (int i = 0; i < Burst; i++)
        {
            _mailbox.Writer.TryWrite(Message);
        }

        int n = 0;
        while (_mailbox.Reader.TryRead(out _))
        {
            n++;
        }

        return n;
    }

    /// <summary>Send a burst to a spawned process and wait until it has received all of it; per message.</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public void SendToProcess()
    {
        _burstDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task done = _burstDone.Task;
        for (int i = 0; i < Burst; i++)
        {
            _node.Send(_counter, Message);
        }

        done.GetAwaiter().GetResult();
    }
}
