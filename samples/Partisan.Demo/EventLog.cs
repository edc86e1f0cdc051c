using System.Globalization;

namespace Partisan.Demo;

/// <summary>
/// The event lines of one node (the node-mode protocol: <c>READY</c>, <c>UP</c>, <c>MEMBERS</c>, ...), kept with
/// the time they arrived so the demo can wait for them, and narrated as they arrive.
/// </summary>
internal sealed class EventLog
{
    private readonly Lock _gate = new();
    private readonly List<(string Line, TimeSpan At)> _lines = new();
    private readonly Narrator _narrator;

    public EventLog(string node, Narrator narrator)
    {
        Node = node;
        _narrator = narrator;
    }

    /// <summary>The node's short name (<c>a</c>, <c>b</c>, <c>c</c>).</summary>
    public string Node { get; }

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add((line, _narrator.Elapsed));
            _narrator.Event(Node, Describe(line), line.StartsWith("ERROR", StringComparison.Ordinal) ? ConsoleColor.Red : null);
        }
    }

    /// <summary>A position: later searches from it see only the lines added after now.</summary>
    public int Mark()
    {
        lock (_gate)
        {
            return _lines.Count;
        }
    }

    /// <summary>The first line from <paramref name="from"/> on that matches, with when it arrived.</summary>
    public (string Line, TimeSpan At)? Find(int from, Func<string, bool> match)
    {
        lock (_gate)
        {
            for (int i = from; i < _lines.Count; i++)
            {
                if (match(_lines[i].Line))
                {
                    return _lines[i];
                }
            }

            return null;
        }
    }

    public bool Has(int from, string line) => Find(from, l => l == line) is not null;

    public bool Has(int from, Func<string, bool> match) => Find(from, match) is not null;

    /// <summary>The lines from <paramref name="from"/> on that start with <paramref name="prefix"/>, without it.</summary>
    public List<string> Since(int from, string prefix)
    {
        lock (_gate)
        {
            var found = new List<string>();
            for (int i = from; i < _lines.Count; i++)
            {
                if (_lines[i].Line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    found.Add(_lines[i].Line[prefix.Length..]);
                }
            }

            return found;
        }
    }

    /// <summary>The rest of the last line that starts with <paramref name="prefix"/>, or null.</summary>
    public string? Last(string prefix)
    {
        lock (_gate)
        {
            for (int i = _lines.Count - 1; i >= 0; i--)
            {
                if (_lines[i].Line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return _lines[i].Line[prefix.Length..];
                }
            }

            return null;
        }
    }

    /// <summary>The last lines, for a failure report.</summary>
    public List<string> Tail(int count)
    {
        lock (_gate)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - count)).Select(l => Shorten(l.Line, 160)).ToList();
        }
    }

    /// <summary>A protocol line in words.</summary>
    public static string Describe(string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        string kind = space < 0 ? line : line[..space];
        string rest = space < 0 ? string.Empty : line[(space + 1)..];
        string[] words = rest.Split(' ', 2);
        return kind switch
        {
            "READY" when words.Length == 2 => $"ready: {words[0]} listening on {words[1]}",
            "UP" => $"node up: {Short(rest)}",
            "DOWN" when words.Length == 2 => $"node down: {Short(words[0])} ({words[1]})",
            "MEMBERS" => "members: " + string.Join(", ", rest.Split(',').Select(Short)),
            "RECV" => "inbox received " + Quote(rest),
            "NODEDOWN" when words.Length == 2 => $"watcher process got NodeDown({Short(words[0])}, {words[1]})",
            "NODEUP" => $"watcher process got NodeUp({Short(rest)})",
            "PROCDOWN" when words.Length == 2 => $"watcher process got Down(ref, {words[1]}, {words[0]})",
            "ERROR" => "ERROR " + rest,
            _ => line,
        };
    }

    /// <summary><c>b@127.0.0.1</c> → <c>b</c>: every node of the demo runs on 127.0.0.1.</summary>
    public static string Short(string node) =>
        node.EndsWith("@127.0.0.1", StringComparison.Ordinal) ? node[..node.IndexOf('@', StringComparison.Ordinal)] : node;

    /// <summary>A text in quotes, or its start and length when it is long.</summary>
    public static string Quote(string text) => text.Length <= 72
        ? "\"" + text + "\""
        : string.Create(CultureInfo.InvariantCulture, $"\"{text[..40]}…\" ({text.Length:N0} chars)");

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
