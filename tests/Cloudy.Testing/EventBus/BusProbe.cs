using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Cloudy.Contracts;
using Cloudy.EventBus;

namespace Cloudy.Testing.EventBus;

/// <summary>An event used only by bus tests.</summary>
public sealed record ProbeEvent(string AccountId, int Sequence) : IntegrationEvent;

/// <summary>A second test event type, for "unknown to this group" cases.</summary>
public sealed record OtherProbeEvent(string AccountId) : IntegrationEvent;

/// <summary>What a <see cref="ProbeHandler"/> saw for one delivery.</summary>
/// <param name="Event">The delivered event.</param>
/// <param name="TraceId">Trace id of <see cref="Activity.Current"/> inside the handler, if any.</param>
/// <param name="ParentSpanId">Parent span of that activity, if any.</param>
/// <param name="ActivityKind">Kind of that activity, if any.</param>
public sealed record ProbeDelivery(ProbeEvent Event, ActivityTraceId? TraceId, ActivitySpanId? ParentSpanId, ActivityKind? ActivityKind);

/// <summary>
/// Shared state between a test and the <see cref="ProbeHandler"/>s of one host (registered as a singleton):
/// every delivery is recorded, <see cref="Behavior"/> decides what the handler does.
/// </summary>
public sealed class BusProbe
{
    private readonly ConcurrentQueue<ProbeDelivery> _deliveries = new();
    private readonly ConcurrentDictionary<string, int> _effects = new();
    private int _duplicates;

    /// <summary>What the handler does after recording a delivery (default: apply the effect idempotently).</summary>
    public Func<ProbeEvent, CancellationToken, Task> Behavior { get; set; }

    /// <summary>Creates a probe whose handler applies each event's effect once.</summary>
    public BusProbe() => ApplyEffectsOnly();

    /// <summary>Back to the default behaviour: apply the idempotent effect and succeed.</summary>
    [MemberNotNull(nameof(Behavior))]
    public void ApplyEffectsOnly() => Behavior = (e, _) =>
    {
        ApplyEffect(e);
        return Task.CompletedTask;
    };

    /// <summary>Every delivery, in arrival order (duplicates included).</summary>
    public IReadOnlyList<ProbeDelivery> Deliveries => [.. _deliveries];

    /// <summary>Events whose effect was applied (each at most once).</summary>
    public IReadOnlyCollection<string> AppliedEventIds => [.. _effects.Keys];

    /// <summary>Redeliveries the idempotent effect recognised and ignored.</summary>
    public int DuplicatesIgnored => Volatile.Read(ref _duplicates);

    /// <summary>An idempotent side effect keyed by event id, as real handlers must implement.</summary>
    public void ApplyEffect(IntegrationEvent e)
    {
        if (!_effects.TryAdd(e.EventId, 1))
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    internal void Record(ProbeEvent e)
    {
        var activity = Activity.Current;
        _deliveries.Enqueue(new ProbeDelivery(e, activity?.TraceId, activity?.ParentSpanId, activity?.Kind));
    }

    /// <summary>Publishes <paramref name="count"/> probe events with one key (so one partition/queue, one order).</summary>
    public static async Task<IReadOnlyList<ProbeEvent>> PublishAsync(IEventBus bus, string topic, int count, string key = "account-1")
    {
        var events = Enumerable.Range(1, count).Select(i => new ProbeEvent(key, i)).ToList();
        foreach (var e in events)
        {
            await bus.PublishAsync(topic, key, e);
        }

        return events;
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polling), or fails with <paramref name="what"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>Handler for <see cref="ProbeEvent"/> that records and then runs <see cref="BusProbe.Behavior"/>.</summary>
public sealed class ProbeHandler(BusProbe probe) : IEventHandler<ProbeEvent>
{
    /// <inheritdoc />
    public Task HandleAsync(ProbeEvent @event, CancellationToken cancellationToken)
    {
        probe.Record(@event);
        return probe.Behavior(@event, cancellationToken);
    }
}

/// <summary>Handler for <see cref="OtherProbeEvent"/> that applies its effect.</summary>
public sealed class OtherProbeHandler(BusProbe probe) : IEventHandler<OtherProbeEvent>
{
    /// <inheritdoc />
    public Task HandleAsync(OtherProbeEvent @event, CancellationToken cancellationToken)
    {
        probe.ApplyEffect(@event);
        return Task.CompletedTask;
    }
}
