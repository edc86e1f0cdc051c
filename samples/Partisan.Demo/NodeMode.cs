using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Partisan.Demo;

/// <summary>
/// <c>Partisan.Demo node --name &lt;name@127.0.0.1&gt; [--port N] [--secret S] [--join host:port] [--channels default,bulk:4]</c>:
/// one node in this OS process, driven by a line protocol so other programs (the demo, multi-process
/// tests) can run and steer it.
/// <para>stdout, one line per event, flushed at once: <c>READY &lt;node&gt; &lt;host:port&gt;</c> when listening;
/// <c>UP &lt;node&gt;</c>; <c>DOWN &lt;node&gt; &lt;reason&gt;</c>; <c>MEMBERS &lt;sorted,names&gt;</c> when membership
/// changes; <c>RECV &lt;text&gt;</c> for each message the process registered as <c>inbox</c> receives;
/// <c>ERROR &lt;message&gt;</c> on failures.</para>
/// <para>stdin, one command per line: <c>join &lt;host:port&gt;</c>, <c>send &lt;node&gt; &lt;text&gt; [channel]</c>,
/// <c>leave</c>, <c>quit</c>. End of input means quit, so the node ends when its parent does.</para>
/// <para>Runtime log messages (warnings and above unless <c>PARTISAN_LOG_LEVEL</c> says otherwise) go to stderr.</para>
/// </summary>
internal static class NodeMode
{
    public const string Usage =
        "usage: Partisan.Demo node --name <name@127.0.0.1> [--port N] [--secret S] [--join host:port] [--channels default,bulk:4[:deflate|brotli]]";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        var gate = new Lock();
        void WriteLine(string line)
        {
            lock (gate)
            {
                stdout.WriteLine(line);
                stdout.Flush();
            }
        }

        NodeArguments arguments;
        try
        {
            arguments = NodeArguments.Parse(args);
        }
        catch (FormatException ex)
        {
            WriteLine("ERROR " + ex.Message);
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        using ILoggerFactory loggerFactory = DemoLogging.CreateStderrFactory(LogLevel.Warning);
        PartisanOptions options = NodeHost.CreateOptions(arguments.Name, arguments.Port, arguments.Secret, arguments.Channels);
        PartisanNode node;
        try
        {
            node = await PartisanNode.StartAsync(options, loggerFactory).WaitAsync(NodeHost.CommandTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            WriteLine("ERROR cannot start the node: " + NodeHost.EscapeLine(ex.Message));
            return 1;
        }

        try
        {
            var host = new NodeHost(node, WriteLine);
            await using (host.ConfigureAwait(false))
            {
                ChannelReader<string> commands = ReadStdinLines();
                await host.StartAsync().ConfigureAwait(false);
                if (arguments.Join is not null)
                {
                    await host.ExecuteAsync("join " + arguments.Join, CancellationToken.None).ConfigureAwait(false);
                }

                while (await commands.WaitToReadAsync().ConfigureAwait(false))
                {
                    if (commands.TryRead(out string? line) && !await host.ExecuteAsync(line, CancellationToken.None).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            try
            {
                await node.DisposeAsync().AsTask().WaitAsync(StopTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await Console.Error.WriteLineAsync($"The node did not stop within {StopTimeout.TotalSeconds:0} s; exiting anyway.").ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>Reads stdin on a background thread (console reads block); the channel completes at end of input.</summary>
    private static ChannelReader<string> ReadStdinLines()
    {
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var thread = new Thread(() =>
        {
            try
            {
                using var reader = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
                while (reader.ReadLine() is { } line)
                {
                    lines.Writer.TryWrite(line);
                }
            }
            catch (IOException)
            {
                // Treated as end of input.
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        })
        {
            IsBackground = true,
            Name = "stdin commands",
        };
        thread.Start();
        return lines.Reader;
    }
}

/// <summary>The command line of node mode.</summary>
internal sealed record NodeArguments(string Name, int Port, string? Secret, string? Join, IReadOnlyList<ChannelOptions> Channels)
{
    /// <summary>Parses the arguments after <c>node</c>.</summary>
    /// <exception cref="FormatException">An argument is missing, unknown or malformed.</exception>
    public static NodeArguments Parse(IReadOnlyList<string> args)
    {
        string? name = null;
        string? secret = null;
        string? join = null;
        int port = 0;
        IReadOnlyList<ChannelOptions> channels = [];
        for (int i = 0; i < args.Count; i++)
        {
            string option = args[i];
            if (i + 1 >= args.Count)
            {
                throw new FormatException($"'{option}' needs a value.");
            }

            string value = args[++i];
            switch (option)
            {
                case "--name":
                    name = NodeName.TryParse(value, out _) ? value : throw new FormatException(NodeName.Validate(value));
                    break;
                case "--port":
                    port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535
                        ? p
                        : throw new FormatException($"--port: '{value}' is not a port number (0-65535).");
                    break;
                case "--secret":
                    secret = value;
                    break;
                case "--join":
                    ListenAddress.Parse(value);
                    join = value;
                    break;
                case "--channels":
                    channels = ParseChannels(value);
                    break;
                default:
                    throw new FormatException($"Unknown option '{option}'.");
            }
        }

        return name is null
            ? throw new FormatException("--name <name@127.0.0.1> is required.")
            : new NodeArguments(name, port, secret, join, channels);
    }

    /// <summary>Parses <c>name[:parallelism[:none|deflate|brotli]]</c>, comma-separated, e.g. <c>default,bulk:4:deflate</c>.</summary>
    public static IReadOnlyList<ChannelOptions> ParseChannels(string text)
    {
        var channels = new List<ChannelOptions>();
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = item.Split(':');
            if (parts.Length > 3)
            {
                throw new FormatException($"--channels: '{item}' is not name[:parallelism[:compression]].");
            }

            int parallelism = 1;
            if (parts.Length > 1 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out parallelism))
            {
                throw new FormatException($"--channels: the parallelism in '{item}' is not a number.");
            }

            ChannelCompression compression = ChannelCompression.None;
            if (parts.Length > 2 && !Enum.TryParse(parts[2], ignoreCase: true, out compression))
            {
                throw new FormatException($"--channels: the compression in '{item}' is not none, deflate or brotli.");
            }

            try
            {
                channels.Add(new ChannelOptions(parts[0], parallelism, compression: compression));
            }
            catch (ArgumentException ex)
            {
                throw new FormatException("--channels: " + ex.Message, ex);
            }
        }

        return channels;
    }
}
