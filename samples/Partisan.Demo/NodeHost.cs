using System.Globalization;

namespace Partisan.Demo;

/// <summary>
/// Runs the line protocol of one node: events out as lines (<c>READY</c>, <c>UP</c>, <c>DOWN</c>,
/// <c>MEMBERS</c>, <c>RECV</c>, <c>ERROR</c>), commands in (<c>join</c>, <c>send</c>, <c>leave</c>, <c>quit</c>).
/// The node-mode program writes the events to stdout; the demo uses the same host for node <c>a</c>
/// in its own process and narrates the events.
/// </summary>
internal sealed class NodeHost : IAsyncDisposable
{
    /// <summary>The name of the generated <see cref="Counter"/> gen_server every node runs.</summary>
    public const string CounterName = "counter";

    /// <summary>The name of the process that receives <c>send</c>'s messages on every node.</summary>
    public const string InboxName = "inbox";

    /// <summary>How long one command (join, leave) may take.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan MembersPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly PartisanNode _node;
    private readonly Action<string> _sink;
    private readonly Lock _gate = new();
    private readonly List<string> _pending = new();
    private readonly List<IDisposable> _subscriptions = new();
    private readonly CancellationTokenSource _stop = new();
    private bool _ready;
    private string? _lastMembers;
    private Task? _membersLoop;

    public NodeHost(PartisanNode node, Action<string> sink)
    {
        _node = node;
        _sink = sink;
    }

    /// <summary>The node's first listen address, <c>host:port</c>.</summary>
    public string Address => _node.ListenAddresses[0].ToString();

    /// <summary>
    /// Options shared by every node of the demo and of node mode: 127.0.0.1, quick gossip and redial,
    /// the given secret and channels.
    /// </summary>
    public static PartisanOptions CreateOptions(string nodeName, int port, string? secret, IEnumerable<ChannelOptions> channels)
    {
        var options = new PartisanOptions
        {
            NodeName = nodeName,
            ClusterSecret = secret,
            GossipInterval = TimeSpan.FromMilliseconds(200),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        };
        options.ListenAddresses.Add("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        options.Channels.AddRange(channels);
        return options;
    }

    /// <summary>
    /// Subscribes to up/down events, spawns the <c>inbox</c> process and the <c>counter</c> gen_server, writes <c>READY</c> and the first
    /// <c>MEMBERS</c>, and starts polling membership. Events that happen before <c>READY</c> is written
    /// are held back until after it.
    /// </summary>
    public async Task StartAsync()
    {
        _subscriptions.Add(_node.OnUp(node => Emit("UP " + node)));
        _subscriptions.Add(_node.OnDown((node, reason) => Emit($"DOWN {node} {reason}")));
        _node.Spawn(InboxAsync, InboxName);
        await Counter.StartAsync(_node, CounterName).ConfigureAwait(false);

        lock (_gate)
        {
            _sink($"READY {_node.Name} {Address}");
            _ready = true;
            foreach (string line in _pending)
            {
                _sink(line);
            }

            _pending.Clear();
        }

        PollMembers();
        _membersLoop = MembersLoopAsync(_stop.Token);
    }

    /// <summary>Writes one event line (held back until <c>READY</c> has been written).</summary>
    public void Emit(string line)
    {
        lock (_gate)
        {
            if (_ready)
            {
                _sink(line);
            }
            else
            {
                _pending.Add(line);
            }
        }
    }

    private async Task InboxAsync(ProcessContext context)
    {
        while (true)
        {
            object message = await context.ReceiveAsync().ConfigureAwait(false);
            if (message is CastRequest cast)
            {
                message = cast.Request; // CastMessage wraps the text as a gen_server cast
            }

            string text = message as string ?? Convert.ToString(message, CultureInfo.InvariantCulture) ?? string.Empty;
            Emit("RECV " + EscapeLine(text));
        }
    }

    /// <summary>Keeps a received text on one line: CR and LF become the two characters <c>\r</c> and <c>\n</c>.</summary>
    public static string EscapeLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            : text;

    private async Task MembersLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(MembersPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                PollMembers();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void PollMembers()
    {
        string[] names = _node.Members().Select(n => n.Value).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        string members = string.Join(',', names);
        if (members != _lastMembers)
        {
            _lastMembers = members;
            Emit("MEMBERS " + members);
        }
    }

    /// <summary>Runs one command line; false when it was <c>quit</c>. Failures are written as <c>ERROR</c> lines.</summary>
    public async Task<bool> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        string trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return true;
        }

        string[] words = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            switch (words[0])
            {
                case "quit":
                    return false;
                case "join" when words.Length == 2:
                    await _node.JoinAsync(words[1], cancellationToken).WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
                    break;
                case "leave" when words.Length == 1:
                    await _node.LeaveAsync(cancellationToken).WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
                    break;
                case "send" when words.Length >= 3:
                    Send(words);
                    break;
                default:
                    Emit("ERROR unknown command '" + EscapeLine(trimmed) + "'; expected: join <host:port> | send <node> <text> [channel] | leave | quit");
                    break;
            }
        }
        catch (TimeoutException)
        {
            Emit($"ERROR '{words[0]}' did not finish within {CommandTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Emit($"ERROR {words[0]} failed: {EscapeLine(ex.Message)}");
        }

        return true;
    }

    /// <summary>
    /// <c>send &lt;node&gt; &lt;text&gt; [channel]</c>: the text may contain spaces; the last word is taken as
    /// the channel only when there are at least two words after the node and it names a configured channel.
    /// </summary>
    private void Send(string[] words)
    {
        NodeName target = NodeName.Parse(words[1]);
        string? channel = null;
        int textEnd = words.Length;
        if (words.Length >= 4 && _node.Spec.FindChannel(words[^1]) is not null)
        {
            channel = words[^1];
            textEnd--;
        }

        string text = string.Join(' ', words[2..textEnd]);
        if (!_node.CastMessage(target, InboxName, text, new ForwardOptions { Channel = channel }))
        {
            Emit($"ERROR send to {target} failed: the node is unknown or not connected");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_membersLoop is not null)
        {
            await _membersLoop.ConfigureAwait(false);
        }

        foreach (IDisposable subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _stop.Dispose();
    }
}
