using Cloudy.EventBus.Kafka;
using Cloudy.Testing.EventBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>A real generic host wired with <see cref="KafkaEventBusExtensions.AddKafkaEventBus"/> against the broker test double.</summary>
internal static class KafkaBusHost
{
    public const int MaxAttempts = 3;

    /// <summary>
    /// Builds (not starts) a host whose <see cref="ProbeHandler"/> consumes <paramref name="topic"/> as <paramref name="group"/>;
    /// <paramref name="settings"/> override configuration keys (e.g. <c>Kafka:MaxConcurrency</c>).
    /// </summary>
    public static IHost Build(
        string bootstrapServers,
        BusProbe probe,
        string topic,
        string group,
        Action<IServiceCollection>? more = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:ClientId"] = "kafka-adapter-tests",
            ["Kafka:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kafka:RetryInitialBackoff"] = "00:00:00.020",
            ["Kafka:RetryMaxBackoff"] = "00:00:00.100",
            ["Kafka:HealthCheckTimeout"] = "00:00:01",
            // The mock cluster waits session timeout - 1 s after a member leaves before reassigning (librdkafka default 45 s).
            ["Kafka:SessionTimeout"] = "00:00:02",
            // The mock cluster holds an empty fetch for the whole fetch.wait.max.ms; keep tests quick.
            ["Kafka:FetchWaitMax"] = "00:00:00.010",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        if (Environment.GetEnvironmentVariable("CLOUDY_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Debug);
        }

        builder.Services.AddSingleton(probe);
        builder.Services.AddKafkaEventBus(builder.Configuration);
        builder.Services.AddEventHandler<ProbeEvent, ProbeHandler>(topic, group);
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Publishes <paramref name="count"/> probe events through the host's bus.</summary>
    public static Task<IReadOnlyList<ProbeEvent>> PublishAsync(IHost host, string topic, int count) =>
        BusProbe.PublishAsync(host.Services.GetRequiredService<IEventBus>(), topic, count);
}
