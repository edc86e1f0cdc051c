using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Partisan.Diagnostics;

namespace Partisan.Demo;

/// <summary>
/// The demo: node <c>a</c> in this process, <c>b</c> and <c>c</c> in child processes (this program in node
/// mode). They join, exchange messages on two channels, <c>c</c> is killed and the others notice, then
/// <c>b</c> leaves and stops. Every wait is bounded; any failure kills the children and exits non-zero.
/// </summary>
internal sealed class ClusterDemo : IAsyncDisposable
{
    private const int TotalSteps = 8;
    private const string A = "a@127.0.0.1";
    private const string BulkChannel = "bulk";
    private const string ChannelsArgument = "default,bulk:4:deflate";
    private const int Chunks = 8;
    private const int ChunkChars = 64 * 1024;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly Narrator _out = new();
    private readonly List<ChildNode> _children = new();
    private readonly string _secret = "demo-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    private readonly EventLog _aLog;
    private CancellationToken _cancel;
    private PartisanNode? _a;
    private NodeHost? _aHost;
    private long _bulkBytesSent;
    private int _step;

    public ClusterDemo() => _aLog = new EventLog("a", _out);

    private PartisanNode NodeA => _a ?? throw new InvalidOperationException("Node a has not started.");

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _cancel = cancellationToken;
        _out.Title("Partisan for .NET: a three-node cluster on this machine, one OS process per node.");
        _out.Note("a is this process; b and c are child processes of it. Everything runs on 127.0.0.1.");
        using ILoggerFactory logging = DemoLogging.CreateStderrFactory(LogLevel.Warning);
        using MeterListener meters = CountBulkBytesSent();
        try
        {
            await StoryAsync(logging).ConfigureAwait(false);
            _out.MuteEvents();
            _out.Text(string.Empty);
            _out.Ok(string.Create(CultureInfo.InvariantCulture, $"Demo complete in {_out.Elapsed.TotalSeconds:0.0} s: 3 processes formed a cluster, messages crossed 2 channels, a crash was detected, and b shut down cleanly."));
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _out.MuteEvents();
            _out.Failure("Interrupted; stopping the child nodes.");
            return 130;
        }
        catch (Exception ex)
        {
            _out.MuteEvents();
            _out.Failure(string.Create(CultureInfo.InvariantCulture, $"The demo failed at step {_step}/{TotalSteps}: {ex.Message}"));
            foreach (ChildNode child in _children)
            {
                List<string> stderr = child.StderrTail();
                if (stderr.Count > 0)
                {
                    _out.Text($"  stderr of {child.Short} (pid {child.ProcessId}), last lines:");
                    foreach (string line in stderr)
                    {
                        _out.Text("    " + line);
                    }
                }
            }

            return 1;
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends the child processes still running (only those this demo started) and stops node a.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (ChildNode child in _children)
        {
            child.Dispose();
        }

        _children.Clear();
        await StopNodeAAsync().ConfigureAwait(false);
    }

    private async Task StoryAsync(ILoggerFactory logging)
    {
        // ------------------------------------------------------------------ 1
        Step("Start three nodes: a in this process, b and c as child processes");
        _out.Note("Each node listens on 127.0.0.1 (a free port). Handshakes prove a shared cluster secret (HMAC); it is never sent.");
        _out.Note("Channels: 'default'; 'bulk' with 4 connections per peer and Deflate; 'membership' (gossip) is always there.");
        IReadOnlyList<ChannelOptions> channels = NodeArguments.ParseChannels(ChannelsArgument);
        _a = await PartisanNode.StartAsync(NodeHost.CreateOptions(A, 0, _secret, channels), logging, _cancel).WaitAsync(WaitLimit, _cancel).ConfigureAwait(false);
        _aHost = new NodeHost(_a, _aLog.Add);
        await _aHost.StartAsync().ConfigureAwait(false);

        string[] childArguments = ["--secret", _secret, "--channels", ChannelsArgument];
        ChildNode b = StartChild("b", childArguments);
        ChildNode c = StartChild("c", childArguments);
        await Until(
            () => b.Address is not null && c.Address is not null && b.Log.Last("MEMBERS ") is not null && c.Log.Last("MEMBERS ") is not null,
            "b and c are listening (READY) and report their membership").ConfigureAwait(false);

        // ------------------------------------------------------------------ 2
        Step("b and c join a; membership converges");
        _out.Note("Full mesh: membership is a CRDT the nodes gossip; every node connects to every other on every channel.");
        TimeSpan joinedAt = _out.Elapsed;
        b.Command("join " + _aHost.Address);
        c.Command("join " + _aHost.Address);
        const string all = "a@127.0.0.1,b@127.0.0.1,c@127.0.0.1";
        await Until(
            () => _aLog.Last("MEMBERS ") == all && b.Log.Last("MEMBERS ") == all && c.Log.Last("MEMBERS ") == all
                && NodeA.IsFullyConnected(b.Name) && NodeA.IsFullyConnected(c.Name)
                && b.Log.Has(0, "UP " + c.Name) && c.Log.Has(0, "UP " + b.Name),
            "a, b and c all list members a, b, c and are connected").ConfigureAwait(false);
        long connections = NodeA.Metrics.Connections;
        int perPeer = NodeA.Spec.Channels.Sum(channel => channel.Parallelism);
        string explained = connections == 2 * perPeer
            ? string.Create(CultureInfo.InvariantCulture, $" ({perPeer} per peer, used both ways: {string.Join(" + ", NodeA.Spec.Channels.Select(ch => $"{ch.Name} {ch.Parallelism}"))})")
            : string.Empty;
        _out.Ok(string.Create(CultureInfo.InvariantCulture, $"all three list members a, b, c, {Millis(_out.Elapsed - joinedAt)} after the joins; a has {connections} open connections{explained}"));

        // ------------------------------------------------------------------ 3
        Step("Messages on channel 'default'");
        _out.Note("CastMessage(node, \"inbox\", text) sends to the process registered as 'inbox' on that node; b and c reply when told on stdin.");
        await RoundTripAsync(b, "hello b, this is a").ConfigureAwait(false);
        await RoundTripAsync(c, "hello c, this is a").ConfigureAwait(false);
        int cMark = c.Log.Mark();
        const string direct = "hi c, this is b (straight from b, a is not on the path)";
        b.Command("send c@127.0.0.1 " + direct);
        await Until(() => c.Log.Has(cMark, "RECV " + direct), "c receives b's message").ConfigureAwait(false);
        _out.Ok("messages went a → b → a, a → c → a and b → c");

        // ------------------------------------------------------------------ 4
        Step("A larger payload on channel 'bulk' (4 connections per peer, Deflate)");
        _out.Note("The same PartitionKey always picks the same one of bulk's 4 connections, so these chunks arrive in the order sent.");
        int bMark = b.Log.Mark();
        long bytesBefore = Interlocked.Read(ref _bulkBytesSent);
        var bulk = new ForwardOptions { Channel = BulkChannel, PartitionKey = "report-7" };
        var chunks = new List<string>();
        for (int i = 1; i <= Chunks; i++)
        {
            string chunk = MakeChunk(i);
            chunks.Add(chunk);
            Require(NodeA.ForwardMessage(b.Name, ProcessRef.ForName(NodeHost.InboxName, b.Name), chunk, bulk), "a could not send a chunk to b");
        }

        _out.Event("a", string.Create(CultureInfo.InvariantCulture, $"ForwardMessage(b, {{inbox, b}}, chunk, Channel = \"bulk\", PartitionKey = \"report-7\") × {Chunks}, {ChunkChars / 1024} KiB of text each"));
        await Until(() => b.Log.Since(bMark, "RECV ").Count >= Chunks, $"b receives all {Chunks} chunks").ConfigureAwait(false);
        Require(b.Log.Since(bMark, "RECV ").SequenceEqual(chunks), "b did not receive exactly the chunks a sent, in order");
        int aMark = _aLog.Mark();
        const string bulkAck = "ack from b: 8 chunks, in order, intact";
        b.Command($"send {A} {bulkAck} {BulkChannel}");
        await Until(() => _aLog.Has(aMark, "RECV " + bulkAck), "a receives b's acknowledgement on 'bulk'").ConfigureAwait(false);
        long wire = Interlocked.Read(ref _bulkBytesSent) - bytesBefore;
        _out.Ok(string.Create(CultureInfo.InvariantCulture, $"b got all {Chunks} chunks in order, each identical to what a sent: {Chunks * ChunkChars / 1024} KiB of text took {wire / 1024.0:0.0} KiB of frames on the wire"));

        // ------------------------------------------------------------------ 5
        Step("Calls and monitors: a calls c's gen_server, watches c's inbox process and every node");
        _out.Note("Every node runs 'counter', a [PartisanServer] class; the generator wrote its request messages and the typed CounterClient.");
        CounterClient counterOnC = Counter.Client(NodeA, ProcessRef.ForName(NodeHost.CounterName, c.Name));
        long sum = await counterOnC.AddAsync(5, WaitLimit, _cancel).ConfigureAwait(false);
        sum = await counterOnC.AddAsync(2, WaitLimit, _cancel).ConfigureAwait(false);
        Require(sum == 7, string.Create(CultureInfo.InvariantCulture, $"c's counter answered {sum}, not 7"));
        _out.Event("a", string.Create(CultureInfo.InvariantCulture, $"await Counter.Client(a, {{counter, c}}).AddAsync(5), then AddAsync(2) = {sum}: calls into c's process, over TCP"));
        _out.Note("As in Erlang: Monitor(watcher, target) delivers Down(ref, target, reason); MonitorNodes(watcher) delivers NodeUp/NodeDown.");
        Pid watcher = NodeA.Spawn(WatchAsync, "watcher");
        NodeA.MonitorNodes(watcher);
        Ref monitor = NodeA.Monitor(watcher, ProcessRef.ForName(NodeHost.InboxName, c.Name));
        _out.Event("a", $"spawned 'watcher' {watcher}; MonitorNodes(watcher); Monitor(watcher, {{inbox, c}}) = {monitor}");

        // ------------------------------------------------------------------ 6
        Step("Crash: kill node c's process");
        _out.Note("Process.Kill on c's process only: no goodbye. The OS closes its sockets and the other nodes notice.");
        aMark = _aLog.Mark();
        bMark = b.Log.Mark();
        TimeSpan killedAt = _out.Elapsed;
        c.Kill();
        _out.Event("a", string.Create(CultureInfo.InvariantCulture, $"killed c (pid {c.ProcessId})"), ConsoleColor.Red);
        string downPrefix = $"DOWN {c.Name} ";
        await Until(
            () => _aLog.Has(aMark, l => l.StartsWith(downPrefix, StringComparison.Ordinal))
                && _aLog.Has(aMark, l => l.StartsWith($"NODEDOWN {c.Name} ", StringComparison.Ordinal))
                && _aLog.Has(aMark, $"PROCDOWN noconnection {{inbox, {c.Name}}}")
                && b.Log.Has(bMark, l => l.StartsWith(downPrefix, StringComparison.Ordinal)),
            "a (OnDown, NodeDown, Down noconnection) and b (DOWN) report c down").ConfigureAwait(false);
        TimeSpan aSaw = _aLog.Find(aMark, l => l.StartsWith(downPrefix, StringComparison.Ordinal))!.Value.At - killedAt;
        TimeSpan bSaw = b.Log.Find(bMark, l => l.StartsWith(downPrefix, StringComparison.Ordinal))!.Value.At - killedAt;
        _out.Ok($"a noticed within {Millis(aSaw)} (OnDown callback, NodeDown, Down with noconnection); b's report arrived within {Millis(bSaw)}");
        _out.Event("a", $"Nodes() = [{Names(NodeA.Nodes())}], Members() = [{Names(NodeA.Members())}]");
        try
        {
            await counterOnC.AddAsync(1, WaitLimit, _cancel).ConfigureAwait(false);
            Require(false, "a call to the dead node's counter succeeded");
        }
        catch (CalleeDownException down)
        {
            _out.Ok($"a call to c's counter now fails at once with CalleeDownException ({down.Reason.Kind}), not after a timeout");
        }

        _out.Note("c crashed without leaving, so it is still a member: a and b keep redialing it until someone removes it.");

        // ------------------------------------------------------------------ 7
        Step("a removes the dead node c from the cluster");
        _out.Event("a", "LeaveAsync(c)");
        await NodeA.LeaveAsync(c.Name, _cancel).WaitAsync(WaitLimit, _cancel).ConfigureAwait(false);
        const string ab = "a@127.0.0.1,b@127.0.0.1";
        await Until(() => _aLog.Last("MEMBERS ") == ab && b.Log.Last("MEMBERS ") == ab, "a and b both list members a, b").ConfigureAwait(false);
        _out.Ok("the removal reached b by gossip: a and b agree on members a, b");

        // ------------------------------------------------------------------ 8
        Step("Shut b down cleanly");
        _out.Note("b is told 'quit' on its stdin: it stops its node, which closes its connections, and exits.");
        aMark = _aLog.Mark();
        b.ExitExpected = true;
        b.Command("quit");
        int? exitCode = await b.WaitForExitAsync(WaitLimit, _cancel).ConfigureAwait(false);
        Require(exitCode is not null, "b did not exit within 20 s of 'quit'");
        Require(exitCode == 0, string.Create(CultureInfo.InvariantCulture, $"b exited with code {exitCode}, not 0"));
        _out.Event("b", "process exited with code 0");
        await Until(() => _aLog.Has(aMark, l => l.StartsWith($"DOWN {b.Name} ", StringComparison.Ordinal)), "a reports b down").ConfigureAwait(false);
        _out.Event("a", $"Nodes() = [{Names(NodeA.Nodes())}], Members() = [{Names(NodeA.Members())}]");
        _out.Ok("b exited with code 0 and a saw it go; b stopped without leaving, so it stays a member until removed, like c");
        await StopNodeAAsync().ConfigureAwait(false);
        _out.Event("a", "node stopped");
    }

    private void Step(string title)
    {
        _step++;
        _out.Step(_step, TotalSteps, title);
    }

    private ChildNode StartChild(string name, string[] arguments)
    {
        ChildNode child = ChildNode.Start(name, arguments, _out);
        _children.Add(child);
        _out.Event("a", string.Create(CultureInfo.InvariantCulture, $"started {name} (pid {child.ProcessId}): Partisan.Demo node --name {child.Name} --secret <random> --channels {ChannelsArgument}"));
        return child;
    }

    /// <summary>a sends <paramref name="text"/> to <paramref name="to"/>'s inbox; <paramref name="to"/> replies to a's inbox.</summary>
    private async Task RoundTripAsync(ChildNode to, string text)
    {
        int mark = to.Log.Mark();
        Require(NodeA.CastMessage(to.Name, NodeHost.InboxName, text), $"a could not send to {to.Short}");
        _out.Event("a", $"CastMessage({to.Short}, \"inbox\", \"{text}\")");
        await Until(() => to.Log.Has(mark, "RECV " + text), $"{to.Short}'s inbox receives a's message").ConfigureAwait(false);

        string reply = $"ack from {to.Short}: got '{text}'";
        int aMark = _aLog.Mark();
        to.Command($"send {A} {reply}");
        await Until(() => _aLog.Has(aMark, "RECV " + reply), $"a's inbox receives {to.Short}'s reply").ConfigureAwait(false);
    }

    private async Task WatchAsync(ProcessContext context)
    {
        while (true)
        {
            switch (await context.ReceiveAsync().ConfigureAwait(false))
            {
                case Down down:
                    _aLog.Add($"PROCDOWN {down.Reason.Kind} {down.Target}");
                    break;
                case NodeDown nodeDown:
                    _aLog.Add($"NODEDOWN {nodeDown.Node} {nodeDown.Reason}");
                    break;
                case NodeUp nodeUp:
                    _aLog.Add($"NODEUP {nodeUp.Node}");
                    break;
            }
        }
    }

    /// <summary>Waits (at most 20 s) until <paramref name="condition"/> holds; fails early if a child dies unexpectedly.</summary>
    private async Task Until(Func<bool> condition, string what)
    {
        TimeSpan deadline = _out.Elapsed + WaitLimit;
        while (!condition())
        {
            foreach (ChildNode child in _children)
            {
                child.ThrowIfExitedUnexpectedly();
            }

            if (_out.Elapsed > deadline)
            {
                throw new TimeoutException($"timed out after {WaitLimit.TotalSeconds:0} s waiting until {what}.");
            }

            await Task.Delay(20, _cancel).ConfigureAwait(false);
        }
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure);
        }
    }

    private async Task StopNodeAAsync()
    {
        if (_aHost is not null)
        {
            await _aHost.DisposeAsync().ConfigureAwait(false);
            _aHost = null;
        }

        if (_a is not null)
        {
            PartisanNode node = _a;
            _a = null;
            try
            {
                await node.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _out.Failure("node a did not stop within 5 s.");
            }
        }
    }

    /// <summary>Counts the frame bytes node a writes on the bulk channel (the runtime's <c>partisan.bytes.sent</c> counter).</summary>
    private MeterListener CountBulkBytesSent()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name == "partisan.bytes.sent")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            bool fromA = false;
            bool onBulk = false;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                fromA |= tag.Key == "partisan.node" && A.Equals(tag.Value as string, StringComparison.Ordinal);
                onBulk |= tag.Key == "partisan.channel" && BulkChannel.Equals(tag.Value as string, StringComparison.Ordinal);
            }

            if (fromA && onBulk)
            {
                Interlocked.Add(ref _bulkBytesSent, value);
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>Chunk <paramref name="index"/> of a made-up report: text of exactly <see cref="ChunkChars"/> characters.</summary>
    private static string MakeChunk(int index)
    {
        var text = new StringBuilder(ChunkChars + 100);
        text.Append(CultureInfo.InvariantCulture, $"chunk {index}/{Chunks} of report-7:");
        for (int line = 0; text.Length < ChunkChars; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $" [{index}.{line:D4}] sensor {line % 17} reads {(line * 7919) % 1000} units, status nominal;");
        }

        return text.ToString(0, ChunkChars);
    }

    private static string Names(IEnumerable<NodeName> nodes) => string.Join(", ", nodes.Select(n => EventLog.Short(n.Value)));

    private static string Millis(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0} ms");
}
