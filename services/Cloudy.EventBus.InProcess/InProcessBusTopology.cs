using System.Collections.Concurrent;

namespace Cloudy.EventBus.InProcess;

/// <summary>
/// Which groups receive an event (from the registered <see cref="EventSubscription"/>s, read on first
/// use because services register handlers after the bus), and the in-memory wake-up signal of each
/// group's worker.
/// </summary>
internal sealed class InProcessBusTopology
{
    private readonly Lazy<ILookup<(string Topic, string Type), string>> _groups;
    private readonly ConcurrentDictionary<(string Topic, string Group), SemaphoreSlim> _signals = new();

    public InProcessBusTopology(IEnumerable<EventSubscription> subscriptions) =>
        _groups = new(() => subscriptions
            .Select(s => (s.Topic, s.EventTypeName, s.Group))
            .Distinct()
            .ToLookup(s => (s.Topic, s.EventTypeName), s => s.Group));

    /// <summary>The groups that handle <paramref name="eventType"/> on <paramref name="topic"/>.</summary>
    public IEnumerable<string> GroupsFor(string topic, string eventType) => _groups.Value[(topic, eventType)];

    /// <summary>The signal a worker waits on; released when something is queued for it.</summary>
    public SemaphoreSlim SignalOf(string topic, string group) => _signals.GetOrAdd((topic, group), _ => new SemaphoreSlim(0, 1));

    /// <summary>Wakes the worker of <paramref name="group"/> (a no-op if it is already awake).</summary>
    public void Wake(string topic, string group)
    {
        var signal = SignalOf(topic, group);
        if (signal.CurrentCount > 0)
        {
            return;   // already signalled; one wake-up drains the whole queue (and a full semaphore would throw)
        }

        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another publisher signalled between the check and the release: same outcome.
        }
    }
}
