using Cloudy.Contracts;

namespace Cloudy.EventBus;

/// <summary>
/// The event bus port. An adapter (Kafka, in-process, Dapr) is chosen by configuration.
/// </summary>
/// <remarks>
/// Contract for every adapter: when <see cref="PublishAsync{TEvent}"/> completes, the event is
/// durably accepted (Kafka: acks=all; in-process: written to the store) and will be delivered
/// at least once to every subscribed group; events with the same key keep their order.
/// </remarks>
public interface IEventBus
{
    /// <summary>Publishes <paramref name="event"/> on <paramref name="topic"/> partitioned by <paramref name="key"/>.</summary>
    Task PublishAsync<TEvent>(string topic, string key, TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IntegrationEvent;
}

/// <summary>
/// Handles one event type. Handlers must be idempotent by <see cref="IntegrationEvent.EventId"/>:
/// every adapter delivers at least once. Throwing makes the adapter retry, then dead-letter.
/// </summary>
public interface IEventHandler<in TEvent> where TEvent : IntegrationEvent
{
    /// <summary>Handles the event; completes only when its work is durable.</summary>
    Task HandleAsync(TEvent @event, CancellationToken cancellationToken);
}
