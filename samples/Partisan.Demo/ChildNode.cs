using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Partisan.Demo;

/// <summary>
/// A node running in a child OS process (this program in node mode): its event lines arrive in
/// <see cref="Log"/>, commands go to its stdin. The child ends when its stdin closes, so it cannot
/// outlive the demo; <see cref="Dispose"/> closes stdin and, if need be, kills this one process.
/// </summary>
internal sealed class ChildNode : IDisposable
{
    private const int StderrLines = 40;
    private readonly Process _process;
    private readonly Narrator _narrator;
    private readonly Queue<string> _stderr = new();

    private ChildNode(string shortName, NodeName name, Process process, Narrator narrator)
    {
        Short = shortName;
        Name = name;
        _process = process;
        _narrator = narrator;
        Log = new EventLog(shortName, narrator);
    }

    public string Short { get; }

    public NodeName Name { get; }

    public EventLog Log { get; }

    public int ProcessId { get; private set; }

    /// <summary>Set before stopping or killing the child on purpose, so its exit is not reported as a failure.</summary>
    public bool ExitExpected { get; set; }

    /// <summary>The <c>host:port</c> from its <c>READY</c> line.</summary>
    public string? Address => Log.Last("READY ")?.Split(' ') is [_, string address] ? address : null;

    /// <summary>Starts <c>&lt;this program&gt; node --name &lt;shortName&gt;@127.0.0.1 &lt;arguments&gt;</c>.</summary>
    public static ChildNode Start(string shortName, IEnumerable<string> arguments, Narrator narrator)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running, so cannot start child nodes.");
        var start = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        // Started as 'dotnet Partisan.Demo.dll' (not through the apphost): the host needs the assembly.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ChildNode).Assembly.Location);
        }

        NodeName name = NodeName.Parse(shortName + "@127.0.0.1");
        start.ArgumentList.Add("node");
        start.ArgumentList.Add("--name");
        start.ArgumentList.Add(name.Value);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildNode(shortName, name, process, narrator);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child.Log.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child.AddStderr(e.Data);
            }
        };

        try
        {
            process.Start();
            child.ProcessId = process.Id;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        catch
        {
            child.Dispose();
            throw;
        }

        return child;
    }

    /// <summary>Writes a command line to the child's stdin, showing it.</summary>
    public void Command(string line)
    {
        ThrowIfExitedUnexpectedly();
        _narrator.Event(Short, "◂ stdin: " + (line.Length <= 90 ? line : line[..90] + "…"), ConsoleColor.DarkGray);
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"cannot write to the stdin of node {Short}: {ex.Message}", ex);
        }
    }

    /// <summary>Throws when the child has ended without being told to.</summary>
    public void ThrowIfExitedUnexpectedly()
    {
        if (!ExitExpected && _process.HasExited)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"node {Short} (pid {ProcessId}) exited unexpectedly with code {_process.ExitCode}."));
        }
    }

    /// <summary>Kills this child process, and only it (SIGKILL on Unix): no goodbye, its sockets just close.</summary>
    public void Kill()
    {
        ExitExpected = true;
        _process.Kill(entireProcessTree: false);
    }

    /// <summary>Waits for the child to exit; its exit code, or null on timeout.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>What the child wrote to stderr last (runtime warnings, crashes).</summary>
    public List<string> StderrTail()
    {
        lock (_stderr)
        {
            return _stderr.ToList();
        }
    }

    private void AddStderr(string line)
    {
        lock (_stderr)
        {
            _stderr.Enqueue(line);
            if (_stderr.Count > StderrLines)
            {
                _stderr.Dequeue();
            }
        }
    }

    /// <summary>Ends the child if it still runs: closes its stdin (it quits), then kills it after 3 s.</summary>
    public void Dispose()
    {
        try
        {
            if (ProcessId != 0 && !_process.HasExited)
            {
                ExitExpected = true;
                try
                {
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Its end of the pipe is gone already.
                }

                if (!_process.WaitForExit(3000))
                {
                    _process.Kill(entireProcessTree: false);
                    _process.WaitForExit(3000);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
