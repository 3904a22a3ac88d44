using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// Readiness check: a metadata request through the process's producer connection, bounded by
/// <see cref="KafkaOptions.HealthCheckTimeout"/>. Healthy when at least one broker answers.
/// </summary>
public sealed class KafkaHealthCheck : IHealthCheck
{
    /// <summary>Name under which <see cref="KafkaEventBusExtensions.AddKafkaEventBus"/> registers the check.</summary>
    public const string Name = "kafka";

    private readonly KafkaProducer _producer;
    private readonly TimeSpan _timeout;

    internal KafkaHealthCheck(KafkaProducer producer, IOptions<KafkaOptions> options)
    {
        _producer = producer;
        _timeout = options.Value.HealthCheckTimeout;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        // GetMetadata blocks for up to the timeout; keep it off the request thread.
        Task.Run(
            () =>
            {
                try
                {
                    using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
                    var metadata = admin.GetMetadata(_timeout);
                    return metadata.Brokers.Count > 0
                        ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) reachable")
                        : HealthCheckResult.Unhealthy("Kafka metadata lists no brokers");
                }
                catch (KafkaException ex)
                {
                    return HealthCheckResult.Unhealthy($"Kafka unreachable: {ex.Error.Reason}");
                }
            },
            cancellationToken);
}
