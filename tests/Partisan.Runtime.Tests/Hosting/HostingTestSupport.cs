using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Partisan.Tests.Support;

namespace Partisan.Tests.Hosting;

/// <summary>One captured log entry.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>A logger provider that keeps every entry, for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public IReadOnlyList<LogEntry> WithEvent(int id) => _entries.Where(e => e.EventId.Id == id).ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}

/// <summary>A generic host running AddPartisan, configured from an in-memory "Partisan" section; stops and disposes on dispose.</summary>
public sealed class PartisanTestHost : IAsyncDisposable
{
    private bool _started;

    private PartisanTestHost(IHost host, CapturingLoggerProvider logs)
    {
        Host = host;
        Logs = logs;
    }

    public IHost Host { get; }

    public CapturingLoggerProvider Logs { get; }

    public PartisanNode Node => Host.Services.GetRequiredService<PartisanNode>();

    /// <summary>Settings for a node on 127.0.0.1 with an ephemeral port and fast timers; keys relative to "Partisan".</summary>
    public static Dictionary<string, string?> Settings(string prefix, string secret = "hosting-test-secret") => new()
    {
        ["NodeName"] = TestNodes.UniqueName(prefix),
        ["ClusterSecret"] = secret,
        ["ListenAddresses:0"] = "127.0.0.1:0",
        ["GossipInterval"] = "00:00:00.200",
        ["ReconnectMinDelay"] = "00:00:00.050",
        ["ReconnectMaxDelay"] = "00:00:00.500",
    };

    public static PartisanTestHost Create(
        Dictionary<string, string?> settings,
        Action<PartisanOptions>? configure = null,
        Action<HostApplicationBuilder>? customize = null)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(kv => new KeyValuePair<string, string?>("Partisan:" + kv.Key, kv.Value)));
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs);
        IConfigurationSection section = builder.Configuration.GetSection("Partisan");
        if (configure is null)
        {
            builder.Services.AddPartisan(section);
        }
        else
        {
            builder.Services.AddPartisan(section, configure);
        }

        customize?.Invoke(builder);
        return new PartisanTestHost(builder.Build(), logs);
    }

    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await Host.StartAsync(timeout.Token);
        _started = true;
    }

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        _started = false;
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await StopAsync();
        }

        if (Host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
    }

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
