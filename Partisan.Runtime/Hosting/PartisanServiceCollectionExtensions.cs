using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Partisan;
using Partisan.Hosting;
using Partisan.Membership;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Partisan node in a service collection, hosted for the lifetime of the application.</summary>
/// <remarks>
/// <para>
/// <c>AddPartisan</c> registers, once however often it is called:
/// <see cref="PartisanOptions"/> (through the options system, validated when the host starts),
/// <see cref="PartisanNode"/> as a singleton built from them with the container's <see cref="ILoggerFactory"/>
/// and <see cref="IMeterFactory"/> (when registered), <see cref="IPeerServiceManager"/> (the node's),
/// and <see cref="PartisanHostedService"/>, which starts the node when the host starts, joins the seeds in the
/// background and stops the node when the host stops. Each call adds its configuration: calls apply in order, and
/// within a call the section is read before the code runs.
/// </para>
/// <para>
/// Invalid options (an unreadable value, or anything <see cref="PartisanOptions.Validate"/> reports) make the
/// host's start fail with an <see cref="OptionsValidationException"/> whose message lists every problem.
/// Options are read once, when the node is created; changing configuration later has no effect on a running node.
/// </para>
/// <para>
/// Dispose the container with <c>DisposeAsync</c> (as the host does): <see cref="PartisanNode"/> is only asynchronously disposable.
/// </para>
/// </remarks>
public static class PartisanServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted Partisan node configured from <paramref name="configuration"/>, the section holding the
    /// node's settings: pass <c>configuration.GetSection("Partisan")</c>, not the whole configuration.
    /// </summary>
    /// <remarks>
    /// <para>Settings (keys are case-insensitive):</para>
    /// <code>
    /// "Partisan": {
    ///   "NodeName": "a@10.0.0.1",
    ///   "ClusterSecret": "at least 8 characters",
    ///   "ListenAddresses": [ "0.0.0.0:9000" ],
    ///   "Seeds": [ "10.0.0.1:9000", "10.0.0.2:9000" ],
    ///   "Channels": [ { "Name": "rpc", "Parallelism": 4, "Monotonic": false, "Compression": "Deflate" } ],
    ///   "MaxFrameSize": 67108864, "FragmentSize": 65536, "CompressionThreshold": 512, "MaxPendingBytesPerConnection": 268435456,
    ///   "GossipInterval": "00:00:01", "ConnectTimeout": "00:00:03", "HandshakeTimeout": "00:00:05",
    ///   "ReconnectMinDelay": "00:00:00.100", "ReconnectMaxDelay": "00:00:05",
    ///   "KeepAlive": { "Enabled": true, "IdleTimeout": "00:00:05", "Interval": "00:00:02", "MaxAttempts": 3 },
    ///   "RemoteRefFormat": "Tuple", "RemoteRefUriPadding": false
    /// }
    /// </code>
    /// <para>
    /// Lists also accept one comma-separated value (<c>Partisan__Seeds=10.0.0.1:9000,10.0.0.2:9000</c>), and are
    /// appended to. Durations are written <c>[d.]hh:mm:ss[.fff]</c>. Keys that are not settings are logged as
    /// warnings when the node starts. The transport, TLS, type registry, clock and membership strategy can only
    /// be set in code: use <see cref="AddPartisan(IServiceCollection, IConfiguration, Action{PartisanOptions})"/>.
    /// </para>
    /// </remarks>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPartisan(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddPartisanCore(services, configuration, null);
    }

    /// <summary>Adds a hosted Partisan node configured by <paramref name="configure"/>.</summary>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPartisan(this IServiceCollection services, Action<PartisanOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddPartisanCore(services, null, configure);
    }

    /// <summary>
    /// Adds a hosted Partisan node configured from <paramref name="configuration"/> (pass
    /// <c>configuration.GetSection("Partisan")</c>; see <see cref="AddPartisan(IServiceCollection, IConfiguration)"/>),
    /// then by <paramref name="configure"/>, which sees the configured values and may change them or set what only code can set.
    /// </summary>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPartisan(this IServiceCollection services, IConfiguration configuration, Action<PartisanOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        return AddPartisanCore(services, configuration, configure);
    }

    private static IServiceCollection AddPartisanCore(IServiceCollection services, IConfiguration? configuration, Action<PartisanOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<PartisanOptions> options = services.AddOptions<PartisanOptions>();
        if (configuration is not null)
        {
            services.AddSingleton<IConfigureOptions<PartisanOptions>>(new PartisanOptionsSetup(configuration));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PartisanOptions>, PartisanOptionsValidator>());
        services.TryAddSingleton(static sp => new PartisanNode(
            sp.GetRequiredService<IOptions<PartisanOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IPeerServiceManager>(static sp => new PeerServiceManagerForwarder(sp.GetRequiredService<PartisanNode>()));
        services.TryAddSingleton(static sp => new PartisanHostedService(
            sp.GetRequiredService<PartisanNode>(),
            sp.GetRequiredService<IOptions<PartisanOptions>>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PartisanHostedService>(static sp => sp.GetRequiredService<PartisanHostedService>()));
        return services;
    }
}
