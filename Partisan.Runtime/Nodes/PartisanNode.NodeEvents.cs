using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Partisan;

/// <content>Node up and down events as an async stream, for code that is not a process.</content>
public sealed partial class PartisanNode
{
    /// <summary>
    /// Every <see cref="NodeUp"/> and <see cref="NodeDown"/> from now on, in the order this node saw them, until
    /// <paramref name="cancellationToken"/> is canceled (the stream then ends). The async-stream form of
    /// <see cref="OnUp"/>/<see cref="OnDown"/> (and of <see cref="MonitorNodes"/> for a process); events are buffered
    /// while the reader is busy.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events.</returns>
    public async IAsyncEnumerable<object> NodeEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        using IDisposable up = OnUp(node => events.Writer.TryWrite(new NodeUp(node)));
        using IDisposable down = OnDown((node, reason) => events.Writer.TryWrite(new NodeDown(node, reason)));
        while (true)
        {
            object next;
            try
            {
                next = await events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            yield return next;
        }
    }
}
