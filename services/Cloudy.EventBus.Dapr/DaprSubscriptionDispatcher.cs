using System.Text.Json;
using Cloudy.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cloudy.EventBus.Dapr;

/// <summary>
/// Turns the registered <see cref="EventSubscription"/>s into Dapr subscriptions and dispatches deliveries to handlers.
/// </summary>
/// <remarks>
/// Dapr allows one subscription per (pub/sub, topic) per app, so all handlers of a topic share one route and the
/// dispatcher fans out by event type. When one of them fails the whole delivery is retried; handlers are idempotent
/// by <see cref="IntegrationEvent.EventId"/> (the port's contract), so the ones that already succeeded see a duplicate.
/// The Kafka consumer group is the component's <c>consumerGroup</c> (<c>{appID}</c>), i.e. the service name.
/// </remarks>
internal sealed partial class DaprSubscriptionDispatcher(
    IEnumerable<EventSubscription> subscriptions,
    IServiceScopeFactory scopes,
    IOptions<DaprEventBusOptions> options,
    ILogger<DaprSubscriptionDispatcher> logger)
{
    private readonly ILookup<string, EventSubscription> _byTopic = subscriptions.ToLookup(s => s.Topic, StringComparer.Ordinal);
    private readonly DaprEventBusOptions _options = options.Value;

    /// <summary>Topics with at least one handler, in a stable order.</summary>
    public IReadOnlyList<string> Topics => [.. _byTopic.Select(g => g.Key).Order(StringComparer.Ordinal)];

    /// <summary>The route the sidecar delivers <paramref name="topic"/> to.</summary>
    public string RouteFor(string topic) => $"{_options.RoutePrefix.TrimEnd('/')}/{topic}";

    /// <summary>The programmatic subscription list, one entry per topic, each with its dead-letter topic.</summary>
    public DaprSubscription[] Subscriptions() =>
        [.. Topics.Select(topic => new DaprSubscription(
            _options.PubSubName, topic, RouteFor(topic), Contracts.Topics.DeadLetter(topic), new Dictionary<string, string>()))];

    /// <summary>Parses one delivered envelope and runs every handler subscribed to its type.</summary>
    public async Task<DaprAppResponse> DeliverAsync(string topic, Stream body, CancellationToken cancellationToken)
    {
        EventEnvelope envelope;
        IntegrationEvent? @event;
        try
        {
            envelope = await JsonSerializer.DeserializeAsync(body, EventJsonContext.Default.EventEnvelope, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("Empty event envelope.");
            @event = EventSerializer.ToEvent(envelope);
        }
        catch (JsonException)
        {
            // Poison input: no retry can fix it, so drop it into the dead-letter topic at once.
            LogPoison(topic);
            return DaprAppResponse.Drop;
        }

        var handlers = _byTopic[topic].Where(s => s.EventTypeName == envelope.Type).ToList();
        if (@event is null || handlers.Count == 0)
        {
            // A type this service does not know or does not handle: skipping keeps older consumers working.
            return DaprAppResponse.Success;
        }

        foreach (var subscription in handlers)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await subscription.InvokeAsync(scope.ServiceProvider, @event, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogHandlerFailed(ex, envelope.Type, envelope.Id, topic, subscription.Group);
                return DaprAppResponse.Retry;
            }
        }

        return DaprAppResponse.Success;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping an unreadable event envelope from {Topic} to its dead-letter topic")]
    private partial void LogPoison(string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler for {EventType} {EventId} from {Topic} (group {Group}) failed; asking Dapr to retry")]
    private partial void LogHandlerFailed(Exception ex, string eventType, string eventId, string topic, string group);
}
