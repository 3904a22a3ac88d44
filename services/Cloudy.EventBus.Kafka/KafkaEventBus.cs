using System.Diagnostics;
using System.Globalization;
using Cloudy.Contracts;
using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// <see cref="IEventBus"/> on Kafka. <see cref="PublishAsync{TEvent}"/> completes after the broker
/// acknowledged the record with acks=all through the process's idempotent producer.
/// </summary>
public sealed class KafkaEventBus : IEventBus
{
    /// <summary>
    /// Name of the <see cref="ActivitySource"/> of producer and consumer spans: add it to OpenTelemetry
    /// tracing (<c>AddSource(KafkaEventBus.ActivitySourceName)</c>) for the "Kafka activity".
    /// </summary>
    public const string ActivitySourceName = "Cloudy.EventBus.Kafka";

    /// <summary>Value of the <c>messaging.system</c> span tag.</summary>
    internal const string MessagingSystem = "kafka";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly KafkaProducer _producer;

    internal KafkaEventBus(KafkaProducer producer) => _producer = producer;

    /// <inheritdoc />
    /// <exception cref="ProduceException{TKey, TValue}">Kafka did not acknowledge the record in time.</exception>
    public async Task PublishAsync<TEvent>(string topic, string key, TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IntegrationEvent
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(@event);

        var envelope = EventSerializer.ToEnvelope(@event, key);
        using var activity = EventBusTracing.StartPublish(Source, MessagingSystem, topic, envelope);
        var message = new Message<string, byte[]>
        {
            Key = key,
            Value = EventSerializer.SerializeEnvelope(envelope),
            Headers = KafkaHeaders.ForEnvelope(envelope, activity),
        };

        try
        {
            var result = await _producer.ProduceAsync(topic, message, cancellationToken);
            activity?.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(CultureInfo.InvariantCulture))
                .SetTag("messaging.kafka.offset", result.Offset.Value);
        }
        catch (Exception ex) when (ex is KafkaException or OperationCanceledException)
        {
            EventBusTracing.RecordError(activity, ex);
            throw;
        }
    }
}
