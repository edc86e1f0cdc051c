using System.Diagnostics;
using Partisan;

namespace Partisan.Bench;

/// <summary>
/// One measurement setup: the server process (started here, ended here) and the client node in this
/// process, joined and fully connected. A proxied session gives the client a <see cref="ProxyTransport"/>
/// and no listen address, so every connection between the two is one the client dialled through the proxy.
/// </summary>
internal sealed class Session : IAsyncDisposable
{
    public const string Secret = "partisan-bench-secret";
    public const string ServerName = "bench-b@127.0.0.1";
    public const string ClientName = "bench-a@127.0.0.1"; // sorts before the server: its connections win

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    private readonly Process _server;
    private int _disposed;

    private Session(Process server, PartisanNode node, NodeName remote, ProxyTransport? proxy)
    {
        _server = server;
        Node = node;
        Remote = remote;
        Proxy = proxy;
    }

    public PartisanNode Node { get; }

    public NodeName Remote { get; }

    public ProxyTransport? Proxy { get; }

    public static async Task<Session> StartAsync(ProxyTransport? proxy)
    {
        string mode = proxy is null ? BenchChannels.Direct : BenchChannels.Proxied;
        Process server = StartServer(mode);
        PartisanNode? node = null;
        try
        {
            using var limit = new CancellationTokenSource(StartLimit);
            string? ready;
            try
            {
                ready = await server.StandardOutput.ReadLineAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The server process did not report READY within {StartLimit.TotalSeconds} s.");
            }

            if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The server process did not start: " + (ready ?? "(no output)"));
            }

            string[] parts = ready.Split(' ');
            var remote = NodeName.Parse(parts[1]);
            var options = new PartisanOptions { NodeName = ClientName, ClusterSecret = Secret, Transport = proxy };
            if (proxy is null)
            {
                options.ListenAddresses.Add("127.0.0.1:0");
            }

            BenchChannels.Configure(options, mode);
            node = await PartisanNode.StartAsync(options);
            await node.JoinAsync(parts[2], limit.Token);
            while (!node.IsFullyConnected(remote))
            {
                if (limit.IsCancellationRequested)
                {
                    throw new TimeoutException("Could not connect every channel to the server process.");
                }

                await Task.Delay(10, CancellationToken.None);
            }

            return new Session(server, node, remote, proxy);
        }
        catch
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }

            await StopAsync(server);
            throw;
        }
    }

    /// <summary>The server's counters (see <see cref="Counters"/>), asked of its "stats" process.</summary>
    public async Task<Counters> ServerCountersAsync()
    {
        var reply = new TaskCompletionSource<long[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stats = ProcessRef.ForName("stats", Remote);
        Pid asker = Node.Spawn(async ctx =>
        {
            Node.Send(stats, ctx.Self);
            object? answer = await ctx.ReceiveAsync(TimeSpan.FromSeconds(10));
            if (answer is long[] values)
            {
                reply.TrySetResult(values);
            }
            else
            {
                reply.TrySetException(new TimeoutException("The server did not report its counters."));
            }
        });
        _ = asker;
        return Counters.FromArray(await reply.Task);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Node.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine("warning: the client node did not stop within 10 s.");
        }

        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await StopAsync(_server);
    }

    private static async Task StopAsync(Process server)
    {
        try
        {
            server.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!server.HasExited)
            {
                server.Kill();
                await server.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            ChildProcesses.Forget(server);
            server.Dispose();
        }
    }

    private static Process StartServer(string mode)
    {
        string self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(BenchServer).Assembly.Location);
        }

        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(ServerName);
        info.ArgumentList.Add(mode);
        Process process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start the server process.");
        ChildProcesses.Track(process);
        return process;
    }
}

/// <summary>The server processes this process started, killed if it is interrupted (only those, by their Process object).</summary>
internal static class ChildProcesses
{
    private static readonly List<Process> Running = new();
    private static readonly Lock Gate = new();

    public static void Track(Process process)
    {
        lock (Gate)
        {
            Running.Add(process);
        }
    }

    public static void Forget(Process process)
    {
        lock (Gate)
        {
            Running.Remove(process);
        }
    }

    public static void KillAll()
    {
        lock (Gate)
        {
            foreach (Process process in Running)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill();
                    }
                }
                catch (InvalidOperationException)
                {
                }
            }

            Running.Clear();
        }
    }
}
