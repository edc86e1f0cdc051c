using System.Diagnostics;
using System.Globalization;

namespace Partisan.Demo;

/// <summary>
/// The demo's console output: numbered steps, then one line per event with the time since start and
/// the node it happened on. Colors only when stdout is a terminal and <c>NO_COLOR</c> is not set.
/// </summary>
internal sealed class Narrator
{
    private const string Gutter = "           ";
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _color = !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") != "dumb";

    private bool _eventsMuted;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Title(string text) => Write(ConsoleColor.White, text + Environment.NewLine);

    public void Text(string text) => Write(null, text + Environment.NewLine);

    public void Step(int number, int total, string title) =>
        Write(ConsoleColor.White, string.Create(CultureInfo.InvariantCulture, $"{Environment.NewLine}[{number}/{total}] {title}{Environment.NewLine}"));

    /// <summary>An explanation under a step.</summary>
    public void Note(string text) => Write(ConsoleColor.DarkGray, Gutter + text + Environment.NewLine);

    /// <summary>Stops showing events (from then on, only the teardown's, which would only add noise).</summary>
    public void MuteEvents()
    {
        lock (_gate)
        {
            _eventsMuted = true;
        }
    }

    /// <summary>Something that happened on <paramref name="node"/>.</summary>
    public void Event(string node, string text, ConsoleColor? color = null)
    {
        lock (_gate)
        {
            if (_eventsMuted)
            {
                return;
            }

            Write(ConsoleColor.DarkGray, string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds,7:0.00}s  "));
            Write(NodeColor(node), node);
            Write(ConsoleColor.DarkGray, " │ ");
            Write(color, text + Environment.NewLine);
        }
    }

    public void Ok(string text) => Write(ConsoleColor.Green, Gutter + "✓ " + text + Environment.NewLine);

    public void Failure(string text) => Write(ConsoleColor.Red, Environment.NewLine + "✗ " + text + Environment.NewLine);

    private static ConsoleColor? NodeColor(string node) => node switch
    {
        "a" => ConsoleColor.Cyan,
        "b" => ConsoleColor.Yellow,
        "c" => ConsoleColor.Magenta,
        _ => null,
    };

    private void Write(ConsoleColor? color, string text)
    {
        lock (_gate)
        {
            if (_color && color is { } c)
            {
                Console.ForegroundColor = c;
                Console.Out.Write(text);
                Console.ResetColor();
            }
            else
            {
                Console.Out.Write(text);
            }

            Console.Out.Flush();
        }
    }
}
