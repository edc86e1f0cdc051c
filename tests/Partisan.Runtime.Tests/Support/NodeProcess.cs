using System.Diagnostics;

namespace Partisan.Tests.Support;

/// <summary>A node running as a separate OS process (the demo's <c>node</c> mode), driven over its stdin/stdout line protocol.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();

    private NodeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                _lines.Writer.TryWrite(line);
            }
        };
        _process.BeginOutputReadLine();
    }

    public NodeName Name { get; private set; }

    public ListenAddress Address { get; private set; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<NodeProcess> StartAsync(string name, string secret, ListenAddress? join = null)
    {
        string host = Path.Combine(AppContext.BaseDirectory, "Partisan.Demo.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(host);
        foreach (string argument in new[] { "node", "--name", name, "--secret", secret })
        {
            info.ArgumentList.Add(argument);
        }

        if (join is { } address)
        {
            info.ArgumentList.Add("--join");
            info.ArgumentList.Add(address.ToString());
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start the node process.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var node = new NodeProcess(process);
        string ready = await node.WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        string[] parts = ready.Split(' ');
        node.Name = NodeName.Parse(parts[1]);
        node.Address = ListenAddress.Parse(parts[2]);
        return node;
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                string line = await _lines.Reader.ReadAsync(cts.Token);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The node process printed no matching line within {timeout.TotalSeconds} s.");
        }
    }

    /// <summary>Kills this process (and only it) at once, as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
