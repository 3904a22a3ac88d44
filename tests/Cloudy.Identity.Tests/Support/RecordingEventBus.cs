using System.Collections.Concurrent;
using Cloudy.Contracts;
using Cloudy.EventBus;

namespace Cloudy.Identity.Tests;

/// <summary>
/// Test double of the event-bus port that records what identity publishes (topic, key, event), so
/// tests can assert the events. The adapters themselves are tested against real brokers elsewhere.
/// </summary>
public sealed class RecordingEventBus : IEventBus
{
    /// <summary>Everything published, in order.</summary>
    public ConcurrentQueue<(string Topic, string Key, IntegrationEvent Event)> Published { get; } = new();

    /// <inheritdoc />
    public Task PublishAsync<TEvent>(string topic, string key, TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IntegrationEvent
    {
        Published.Enqueue((topic, key, @event));
        return Task.CompletedTask;
    }

    /// <summary>Published events of type <typeparamref name="TEvent"/> keyed by <paramref name="key"/>.</summary>
    public IReadOnlyList<TEvent> OfType<TEvent>(string key) =>
        [.. Published.Where(p => p.Key == key && p.Topic == Topics.Identity).Select(p => p.Event).OfType<TEvent>()];
}
