using System.Text;

namespace Partisan.Demo;

/// <summary>
/// <c>Partisan.Demo</c> with no arguments runs the three-process cluster demo;
/// <c>Partisan.Demo node ...</c> runs one node driven by a line protocol (see <see cref="NodeMode"/>);
/// <c>Partisan.Demo example</c> runs the README's code example.
/// </summary>
internal static class Program
{
    private const string Help =
        """
        Partisan.Demo                 run the local cluster demo (3 nodes, 3 OS processes, 127.0.0.1)
        Partisan.Demo example         run the README's two-node example
        Partisan.Demo hyparview       50 nodes in this process on the HyParView overlay: views, repair, relay
        Partisan.Demo --dashboard [--port N] [--seconds N]
                                      3 nodes in this process with the live dashboard on; prints its URL (default port 5080)
        Partisan.Demo node --name <name@127.0.0.1> [--port N] [--secret S] [--join host:port] [--channels default,bulk:4[:deflate|brotli]]
                                      run one node; events on stdout (READY, UP, DOWN, MEMBERS, RECV, ERROR),
                                      commands on stdin (join <host:port>, send <node> <text> [channel], leave, quit)
        Runtime log messages go to stderr; PARTISAN_LOG_LEVEL (Trace, Debug, Information, Warning, ...) sets their level.
        """;

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "node")
        {
            return await NodeMode.RunAsync(args[1..]).ConfigureAwait(false);
        }

        Console.OutputEncoding = new UTF8Encoding(false);
        switch (args)
        {
            case []:
                using (var cancel = new CancellationTokenSource())
                {
                    Console.CancelKeyPress += (_, e) =>
                    {
                        e.Cancel = true;
                        cancel.Cancel();
                    };
                    var demo = new ClusterDemo();
                    await using (demo.ConfigureAwait(false))
                    {
                        return await demo.RunAsync(cancel.Token).ConfigureAwait(false);
                    }
                }

            case ["example"]:
                try
                {
                    string answer = await ReadmeExample.RunAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    return answer == "2" ? 0 : 1;
                }
                catch (TimeoutException)
                {
                    await Console.Error.WriteLineAsync("The README example did not finish within 30 s.").ConfigureAwait(false);
                    return 1;
                }

            case ["hyparview"]:
                using (var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
                {
                    return await HyParViewDemo.RunAsync(cancel.Token).ConfigureAwait(false);
                }

            case ["--dashboard", ..]:
                using (var cancel = new CancellationTokenSource())
                {
                    Console.CancelKeyPress += (_, e) =>
                    {
                        e.Cancel = true;
                        cancel.Cancel();
                    };
                    int port = Option(args, "--port") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 5080;
                    TimeSpan? runFor = Option(args, "--seconds") is { } s ? TimeSpan.FromSeconds(int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)) : null;
                    return await DashboardDemo.RunAsync(port, runFor, cancel.Token).ConfigureAwait(false);
                }

            case ["-h" or "--help" or "help"]:
                Console.WriteLine(Help);
                return 0;
            default:
                await Console.Error.WriteLineAsync(Help).ConfigureAwait(false);
                return 2;
        }
    }
}
