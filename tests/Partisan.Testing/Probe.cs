using System.Threading.Channels;

namespace Partisan.Tests.Support;

/// <summary>A process whose received messages a test can await.</summary>
public sealed class Probe
{
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    private Probe(PartisanNode node, string? name)
    {
        Pid = node.Spawn(async ctx =>
        {
            while (true)
            {
                object message = await ctx.ReceiveAsync();
                _received.Writer.TryWrite(message);
            }
        }, name);
    }

    public Pid Pid { get; }

    public static Probe Start(PartisanNode node, string? name = null) => new(node, name);

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
