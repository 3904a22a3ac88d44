using Cloudy.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus;

/// <summary>
/// The subscriptions of one consumer group on one topic: exactly what one adapter worker serves.
/// Adapters own delivery (offsets, lists, retries); this class owns "which handlers, in which scope".
/// </summary>
public sealed class EventDispatcher
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ILookup<string, EventSubscription> _byType;

    /// <summary>Creates the dispatcher for <paramref name="group"/> on <paramref name="topic"/>.</summary>
    public EventDispatcher(string topic, string group, IEnumerable<EventSubscription> subscriptions, IServiceScopeFactory scopes)
    {
        Topic = topic;
        Group = group;
        _scopes = scopes;
        _byType = subscriptions
            .Where(s => s.Topic == topic && s.Group == group)
            .Distinct()
            .ToLookup(s => s.EventTypeName, StringComparer.Ordinal);
    }

    /// <summary>The topic this dispatcher consumes.</summary>
    public string Topic { get; }

    /// <summary>The consumer group (normally the service name).</summary>
    public string Group { get; }

    /// <summary>One dispatcher per distinct (topic, group) among <paramref name="subscriptions"/>.</summary>
    public static IReadOnlyList<EventDispatcher> ForEachConsumer(IEnumerable<EventSubscription> subscriptions, IServiceScopeFactory scopes)
    {
        var all = subscriptions.ToList();
        return all
            .Select(s => (s.Topic, s.Group))
            .Distinct()
            .Select(k => new EventDispatcher(k.Topic, k.Group, all, scopes))
            .ToList();
    }

    /// <summary>Whether this group subscribed to events named <paramref name="eventTypeName"/>.</summary>
    public bool Handles(string eventTypeName) => _byType.Contains(eventTypeName);

    /// <summary>
    /// The typed event inside <paramref name="envelope"/>, or <c>null</c> when this group does not handle
    /// its type (the caller acknowledges it and moves on: forward compatibility).
    /// </summary>
    /// <exception cref="System.Text.Json.JsonException">The body does not match the type (a poison message).</exception>
    public IntegrationEvent? Resolve(EventEnvelope envelope) =>
        Handles(envelope.Type) ? EventSerializer.ToEvent(envelope) : null;

    /// <summary>
    /// Runs every handler this group registered for the event's type, each in its own DI scope.
    /// Completes when all succeeded; throws the first failure (the adapter retries the whole event,
    /// which is why handlers must be idempotent).
    /// </summary>
    public async Task DispatchAsync(IntegrationEvent @event, CancellationToken cancellationToken)
    {
        foreach (var subscription in _byType[EventSerializer.TypeName(@event.GetType())])
        {
            await using var scope = _scopes.CreateAsyncScope();
            await subscription.InvokeAsync(scope.ServiceProvider, @event, cancellationToken);
        }
    }
}
