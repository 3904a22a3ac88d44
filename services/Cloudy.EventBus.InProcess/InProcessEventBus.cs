using System.Diagnostics;
using Cloudy.Contracts;
using StackExchange.Redis;

namespace Cloudy.EventBus.InProcess;

/// <summary>
/// <see cref="IEventBus"/> for the embedded mode. Publishing appends the event to the store-backed queue of
/// every group that handles it, in one MULTI/EXEC, and completes once the store acknowledged that: the event
/// then survives a crash of the process (as far as the store's own persistence does) and is delivered at
/// least once to each group by <see cref="InProcessBusHost"/>.
/// </summary>
public sealed class InProcessEventBus : IEventBus
{
    /// <summary>Name of the <see cref="ActivitySource"/> of publish and process spans.</summary>
    public const string ActivitySourceName = "Cloudy.EventBus.InProcess";

    /// <summary>Value of the <c>messaging.system</c> span tag.</summary>
    internal const string MessagingSystem = "cloudy-inprocess";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly IConnectionMultiplexer _redis;
    private readonly InProcessBusTopology _topology;

    internal InProcessEventBus(IConnectionMultiplexer redis, InProcessBusTopology topology)
    {
        _redis = redis;
        _topology = topology;
    }

    /// <inheritdoc />
    /// <exception cref="RedisException">The store did not accept the event; nothing was queued.</exception>
    public async Task PublishAsync<TEvent>(string topic, string key, TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IntegrationEvent
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(@event);
        cancellationToken.ThrowIfCancellationRequested();

        var envelope = EventSerializer.ToEnvelope(@event, key);
        var groups = _topology.GroupsFor(topic, envelope.Type).ToList();
        if (groups.Count == 0)
        {
            // Nobody subscribed: like a Kafka topic without consumer groups, nothing is waiting for it.
            return;
        }

        using var activity = EventBusTracing.StartPublish(Source, MessagingSystem, topic, envelope);
        var (traceParent, traceState) = EventBusTracing.Capture(activity);
        var item = new StoredEvent(Guid.NewGuid().ToString("N"), envelope, traceParent, traceState).Serialize();

        // All groups or none: a partial publish would deliver to some services only.
        var transaction = _redis.GetDatabase().CreateTransaction();
        var pushes = groups.Select(g => transaction.ListLeftPushAsync(BusKeys.Ready(topic, g), item)).ToList();
        try
        {
            if (!await transaction.ExecuteAsync())
            {
                throw new RedisException($"The store refused the publish transaction on {topic}.");
            }

            await Task.WhenAll(pushes);
        }
        catch (RedisException ex)
        {
            EventBusTracing.RecordError(activity, ex);
            throw;
        }

        foreach (var group in groups)
        {
            _topology.Wake(topic, group);
        }
    }
}
