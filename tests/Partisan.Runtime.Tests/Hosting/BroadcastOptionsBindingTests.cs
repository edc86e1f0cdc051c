using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Partisan.Broadcast;
using Partisan.Hosting;

namespace Partisan.Tests.Hosting;

public class BroadcastOptionsBindingTests
{
    private static PartisanOptions Read(Dictionary<string, string?> broadcast)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Partisan:NodeName"] = "bcast@127.0.0.1",
            ["Partisan:ClusterSecret"] = "a-good-long-secret",
        };
        foreach ((string key, string? value) in broadcast)
        {
            settings["Partisan:Broadcast:" + key] = value;
        }

        IConfigurationSection section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Partisan");
        var services = new ServiceCollection();
        services.AddPartisan(section);
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PartisanOptions>>().Value;
    }

    [Fact]
    public void Binds_every_broadcast_setting()
    {
        PartisanOptions options = Read(new Dictionary<string, string?>
        {
            ["Enabled"] = "true",
            ["Channel"] = "plumtree",
            ["MaxQueuedMessages"] = "1000",
            ["TimerPrefix"] = "bt",
            ["LazyTickPeriod"] = "00:00:00.500",
            ["GraftTimeout"] = "00:00:03",
            ["GraftRetryTimeout"] = "00:00:02",
            ["MaxGraftAttempts"] = "5",
            ["MaxAnnouncers"] = "6",
            ["MaxMissing"] = "7000",
            ["MaxPendingAnnouncementsPerPeer"] = "800",
            ["MaxTrees"] = "900",
            ["ExchangeInterval"] = "00:00:20",
            ["ExchangeTimeout"] = "00:01:30",
            ["MaxConcurrentExchanges"] = "2",
            ["MaxExchangeSteps"] = "10",
            ["MaxInboundExchangeMessages"] = "11",
            ["PruneOnDuplicate"] = "false",
        });

        BroadcastOptions b = options.Broadcast;
        Assert.True(b.Enabled);
        Assert.Equal("plumtree", b.Channel);
        Assert.Equal(1000, b.MaxQueuedMessages);
        Assert.Equal("bt", b.TimerPrefix);
        Assert.Equal(TimeSpan.FromMilliseconds(500), b.LazyTickPeriod);
        Assert.Equal(TimeSpan.FromSeconds(3), b.GraftTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), b.GraftRetryTimeout);
        Assert.Equal(5, b.MaxGraftAttempts);
        Assert.Equal(6, b.MaxAnnouncers);
        Assert.Equal(7000, b.MaxMissing);
        Assert.Equal(800, b.MaxPendingAnnouncementsPerPeer);
        Assert.Equal(900, b.MaxTrees);
        Assert.Equal(TimeSpan.FromSeconds(20), b.ExchangeInterval);
        Assert.Equal(TimeSpan.FromSeconds(90), b.ExchangeTimeout);
        Assert.Equal(2, b.MaxConcurrentExchanges);
        Assert.Equal(10, b.MaxExchangeSteps);
        Assert.Equal(11, b.MaxInboundExchangeMessages);
        Assert.False(b.PruneOnDuplicate);
        Assert.Empty(PartisanOptionsSetup.ReportFor(options)!.Warnings);
    }

    [Fact]
    public void Every_settable_broadcast_option_has_a_configuration_key()
    {
        string[] settable = typeof(BroadcastOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(settable, PartisanOptionsSetup.BroadcastSettingNames.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Unreadable_and_invalid_values_are_reported_by_key_path_together()
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Read(new Dictionary<string, string?>
        {
            ["Enabled"] = "yes",
            ["LazyTickPeriod"] = "soon",
            ["MaxMissing"] = "many",
        }));

        Assert.Contains("Partisan:Broadcast:Enabled: 'yes' is not true or false.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Partisan:Broadcast:LazyTickPeriod: 'soon' is not a duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("Partisan:Broadcast:MaxMissing: 'many' is not a whole number.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enabled_broadcast_on_the_default_channel_or_with_bad_bounds_is_refused()
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Read(new Dictionary<string, string?>
        {
            ["Enabled"] = "true",
            ["Channel"] = "default",
            ["MaxQueuedMessages"] = "0",
        }));

        Assert.Contains("Broadcast Channel must be a channel of its own, not 'default'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Broadcast MaxQueuedMessages must be between 1 and 10,000,000, not 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_broadcast_key_is_a_warning_naming_its_path()
    {
        PartisanOptions options = Read(new Dictionary<string, string?> { ["LazyTick"] = "00:00:01" });

        Assert.Contains(PartisanOptionsSetup.ReportFor(options)!.Warnings, w => w.StartsWith("Partisan:Broadcast:LazyTick is not a broadcast setting", StringComparison.Ordinal));
        Assert.False(options.Broadcast.Enabled);
    }
}
