using System.Threading.Channels;

namespace Partisan.Tests.Support;

/// <summary>A process whose received messages a test can await.</summary>
public sealed class Probe
{
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    private Probe(PartisanNode node, string? name, TaskCompletionSource? trapping = null)
    {
        Pid = node.Spawn(async ctx =>
        {
            if (trapping is not null)
            {
                ctx.TrapExit = true;
                trapping.SetResult();
            }

            while (true)
            {
                object message = await ctx.ReceiveAsync();
                _received.Writer.TryWrite(message);
            }
        }, name);
    }

    public Pid Pid { get; }

    public static Probe Start(PartisanNode node, string? name = null) => new(node, name);

    /// <summary>Starts a probe that traps exits (exit signals arrive as <see cref="Exit"/> messages); returns once the flag is set.</summary>
    public static async Task<Probe> StartTrappingAsync(PartisanNode node, string? name = null)
    {
        var trapping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new Probe(node, name, trapping);
        await trapping.Task;
        return probe;
    }

    public async Task<object> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Probe {Pid} received nothing within {(timeout ?? Eventually.DefaultTimeout).TotalSeconds} s.");
        }
    }

    public async Task<T> NextAsync<T>(TimeSpan? timeout = null) => Assert.IsType<T>(await NextAsync(timeout));

    public bool TryNext(out object? message) => _received.Reader.TryRead(out message);
}
