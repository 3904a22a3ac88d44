using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cloudy.EventBus.Kafka;

/// <summary>Registration of the Kafka adapter.</summary>
public static class KafkaEventBusExtensions
{
    /// <summary>
    /// Registers <see cref="IEventBus"/> on Kafka (options from section <c>Kafka</c> of <paramref name="configuration"/>),
    /// a hosted consumer per (group, topic) of the registered <see cref="EventSubscription"/>s, and the
    /// <see cref="KafkaHealthCheck"/> tagged <c>ready</c>.
    /// </summary>
    public static IServiceCollection AddKafkaEventBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>()
            .Bind(configuration.GetSection(KafkaOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapServers), "Kafka:BootstrapServers is required.")
            .Validate(o => o.MaxAttempts >= 1, "Kafka:MaxAttempts must be at least 1.")
            .Validate(o => o.MaxConcurrency >= 1, "Kafka:MaxConcurrency must be at least 1.")
            .Validate(o => o.MaxInFlight >= 1, "Kafka:MaxInFlight must be at least 1.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new KafkaProducer(
            sp.GetRequiredService<IOptions<KafkaOptions>>(), sp.GetRequiredService<ILogger<KafkaProducer>>()));
        services.TryAddSingleton(sp => new KafkaEventBus(sp.GetRequiredService<KafkaProducer>()));
        services.TryAddSingleton<IEventBus>(sp => sp.GetRequiredService<KafkaEventBus>());
        services.AddHostedService<KafkaConsumerHost>();
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            KafkaHealthCheck.Name,
            sp => new KafkaHealthCheck(sp.GetRequiredService<KafkaProducer>(), sp.GetRequiredService<IOptions<KafkaOptions>>()),
            failureStatus: null,
            tags: ["ready"]));
        return services;
    }
}
