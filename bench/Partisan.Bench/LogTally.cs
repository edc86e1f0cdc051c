using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Partisan.Bench;

/// <summary>
/// A logger factory that only counts: warnings and errors by event name, so a scenario can report how many handshakes
/// failed or connections broke while it ran (a converge run that "works" with thousands of handshake timeouts is not
/// the same result as one with none).
/// </summary>
internal sealed class LogTally : ILoggerFactory, ILogger
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    // BENCH_LOG=1: also print each warning with its time to standard error.
    private static readonly bool Echo = Environment.GetEnvironmentVariable("BENCH_LOG") is not null;

    /// <summary>Warnings and errors seen so far, by event name.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>Every warning and error seen so far.</summary>
    public int Total
    {
        get
        {
            int total = 0;
            foreach (KeyValuePair<string, int> pair in _counts)
            {
                total += pair.Value;
            }

            return total;
        }
    }

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Warning)
        {
            if (Echo)
            {
                Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {eventId.Name}: {formatter(state, exception)}");
            }

            _counts.AddOrUpdate(eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, static (_, c) => c + 1);
        }
    }
}
