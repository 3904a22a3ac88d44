using System.Collections.Concurrent;
using Cloudy.Contracts;
using Cloudy.EventBus;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>
/// Test double of the event-bus port that records what the key directory publishes, so tests can
/// assert events and how often they were sent. The adapters are tested against real brokers elsewhere.
/// </summary>
public sealed class RecordingEventBus : IEventBus
{
    /// <summary>Everything published, in order.</summary>
    public ConcurrentQueue<(string Topic, string Key, IntegrationEvent Event)> Published { get; } = new();

    /// <summary>When set, publishing throws (a broker outage).</summary>
    public bool Fail { get; set; }

    /// <inheritdoc />
    public Task PublishAsync<TEvent>(string topic, string key, TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IntegrationEvent
    {
        if (Fail)
        {
            throw new InvalidOperationException("The test bus is down.");
        }

        Published.Enqueue((topic, key, @event));
        return Task.CompletedTask;
    }

    /// <summary>Events of type <typeparamref name="TEvent"/> published on <paramref name="topic"/> keyed by <paramref name="key"/>.</summary>
    public IReadOnlyList<TEvent> Of<TEvent>(string topic, string key) =>
        [.. Published.Where(p => p.Topic == topic && p.Key == key).Select(p => p.Event).OfType<TEvent>()];
}
