using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Partisan.Demo;

/// <summary>Runtime log messages to stderr, single line, at the level <c>PARTISAN_LOG_LEVEL</c> names (or a default).</summary>
internal static class DemoLogging
{
    public static ILoggerFactory CreateStderrFactory(LogLevel defaultLevel)
    {
        LogLevel level = Enum.TryParse(Environment.GetEnvironmentVariable("PARTISAN_LOG_LEVEL"), ignoreCase: true, out LogLevel configured)
            ? configured
            : defaultLevel;
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
                options.ColorBehavior = LoggerColorBehavior.Disabled;
            }));
    }
}
