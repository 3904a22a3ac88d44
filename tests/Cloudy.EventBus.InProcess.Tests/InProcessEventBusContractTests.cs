using System.Diagnostics;
using Cloudy.Testing;
using Cloudy.Testing.EventBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Cloudy.EventBus.InProcess.Tests;

/// <summary>
/// The in-process bus's at-least-once contract against a real store; runs once per backend
/// (<see cref="GarnetInProcessEventBusTests"/>, <see cref="RedisServerInProcessEventBusTests"/>).
/// </summary>
public abstract class InProcessEventBusContractTests(IStoreServer store)
{
    private const int MaxAttempts = 3;
    private const int MaxDeliveries = 3;
    private const string Group = "group-a";

    private IDatabase Db => store.Connection.GetDatabase();

    [RequirementsFact]
    public async Task PublishAsync_SubscribedGroup_HandlerReceivesEveryEventInOrderAndQueueEmpties()
    {
        var topic = NewTopic("roundtrip");
        var probe = new BusProbe();
        using var host = BuildHost(probe, topic);
        await host.StartAsync();

        var published = await PublishAsync(host, topic, 5);

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 5, "5 deliveries");
        Assert.Equal(published, probe.Deliveries.Select(d => d.Event));
        await ProcessingDrainedAsync(topic);
        Assert.Equal(0, Db.ListLength(BusKeys.Ready(topic, Group)));
        Assert.Equal(0, Db.HashLength(BusKeys.Deliveries(topic, Group)));
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task PublishAsync_BeforeAnyWorkerRuns_EventIsInTheStoreAndHandledByALaterProcess()
    {
        var topic = NewTopic("durable");
        var probe = new BusProbe();
        IReadOnlyList<ProbeEvent> published;
        using (var publisher = BuildHost(probe, topic))
        {
            // Never started: the "process" dies right after PublishAsync returned.
            published = await PublishAsync(publisher, topic, 2);
        }

        Assert.Equal(2, Db.ListLength(BusKeys.Ready(topic, Group)));
        using var next = BuildHost(probe, topic);
        await next.StartAsync();
        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 2, "2 deliveries");
        Assert.Equal(published, probe.Deliveries.Select(d => d.Event));
        await next.StopAsync();
    }

    [RequirementsFact]
    public async Task PublishAsync_TwoGroups_EachGetsOnlyTheTypesItSubscribed()
    {
        var topic = NewTopic("fanout");
        var probe = new BusProbe();
        using var host = BuildHost(probe, topic, s => s.AddEventHandler<OtherProbeEvent, OtherProbeHandler>(topic, "group-b"));
        var bus = host.Services.GetRequiredService<IEventBus>();

        var probeEvent = new ProbeEvent("k", 1);
        var other = new OtherProbeEvent("k");
        await bus.PublishAsync(topic, "k", probeEvent);
        await bus.PublishAsync(topic, "k", other);
        Assert.Equal(1, Db.ListLength(BusKeys.Ready(topic, Group)));
        Assert.Equal(1, Db.ListLength(BusKeys.Ready(topic, "group-b")));
        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => probe.AppliedEventIds.Count >= 2, "both effects");
        Assert.Equal(probeEvent, Assert.Single(probe.Deliveries).Event);
        Assert.Equal(new[] { probeEvent.EventId, other.EventId }.Order(), probe.AppliedEventIds.Order());
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task Worker_HandlerAlwaysFails_RetriedMaxAttemptsThenDeadLetteredAndQueueContinues()
    {
        var topic = NewTopic("dlq");
        var probe = new BusProbe
        {
            Behavior = (e, _) => e.Sequence == 1 ? throw new InvalidOperationException("handler refused event 1") : Task.CompletedTask,
        };
        using var host = BuildHost(probe, topic);
        await host.StartAsync();

        var published = await PublishAsync(host, topic, 2);

        // A batch records its dead letters when the whole batch is done, so wait for both.
        await BusProbe.EventuallyAsync(
            () => probe.Deliveries.Any(d => d.Event.Sequence == 2) && Db.ListLength(BusKeys.DeadLetter(topic, Group)) == 1,
            "the event after the poison one, and the poison one dead-lettered");
        Assert.Equal(MaxAttempts, probe.Deliveries.Count(d => d.Event.Sequence == 1));
        var entry = DeadLetteredEvent.Deserialize(Assert.Single(Db.ListRange(BusKeys.DeadLetter(topic, Group)))!);
        Assert.Equal(Group, entry.Group);
        Assert.Equal(MaxAttempts, entry.Attempts);
        Assert.Contains("handler refused event 1", entry.Error);
        Assert.Equal(published[0].EventId, StoredEvent.Deserialize(System.Text.Encoding.UTF8.GetBytes(entry.Item)).Envelope.Id);
        await ProcessingDrainedAsync(topic);
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task Bus_StoppedMidHandling_NewBusOnSameStoreHandlesTheInFlightEvent()
    {
        var topic = NewTopic("crash");
        var probe = new BusProbe();
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.Behavior = async (_, ct) =>
        {
            inFlight.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        ProbeEvent sent;
        using (var first = BuildHost(probe, topic))
        {
            await first.StartAsync();
            sent = (await PublishAsync(first, topic, 1))[0];
            await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        // What a crash leaves behind: the event in the processing list, nothing acknowledged.
        Assert.Equal(1, Db.ListLength(BusKeys.Processing(topic, Group)));
        Assert.Equal(0, Db.ListLength(BusKeys.Ready(topic, Group)));

        probe.ApplyEffectsOnly();
        using var second = BuildHost(probe, topic);
        await second.StartAsync();
        await BusProbe.EventuallyAsync(() => probe.AppliedEventIds.Count == 1, "the recovered event handled");
        Assert.Equal([sent, sent], probe.Deliveries.Select(d => d.Event));
        await ProcessingDrainedAsync(topic);
        await second.StopAsync();
    }

    [RequirementsFact]
    public async Task Worker_ItemsLeftInProcessing_RecoveredAheadOfNewerEventsInOrder()
    {
        var topic = NewTopic("recovery-order");
        var probe = new BusProbe();
        using var host = BuildHost(probe, topic);
        var older = new[] { new ProbeEvent("k", 1), new ProbeEvent("k", 2) };
        foreach (var e in older)
        {
            // As LMOVE ... LEFT left them: newest at the head.
            await Db.ListLeftPushAsync(BusKeys.Processing(topic, Group), Stored(e, "k"));
        }

        var newer = new ProbeEvent("k", 3);
        await host.Services.GetRequiredService<IEventBus>().PublishAsync(topic, "k", newer);
        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 3, "3 deliveries");
        Assert.Equal([.. older, newer], probe.Deliveries.Select(d => d.Event));
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task Worker_ItemTakenMoreThanMaxDeliveries_DeadLetteredWithoutCallingHandler()
    {
        var topic = NewTopic("crash-loop");
        var probe = new BusProbe();
        using var host = BuildHost(probe, topic);
        var looping = new StoredEvent("crash-looper", EventSerializerEnvelope(new ProbeEvent("k", 1)), null, null);
        await Db.ListLeftPushAsync(BusKeys.Processing(topic, Group), looping.Serialize());
        await Db.HashSetAsync(BusKeys.Deliveries(topic, Group), looping.ItemId, MaxDeliveries);
        var next = new ProbeEvent("k", 2);
        await host.Services.GetRequiredService<IEventBus>().PublishAsync(topic, "k", next);
        await host.StartAsync();

        // The dead letter is written when the whole batch completes, which may be after the next event's handler ran.
        await BusProbe.EventuallyAsync(
            () => probe.Deliveries.Count >= 1 && Db.ListLength(BusKeys.DeadLetter(topic, Group)) == 1,
            "the next event, and the crash-looping one dead-lettered");
        await ProcessingDrainedAsync(topic);
        Assert.Equal(next, Assert.Single(probe.Deliveries).Event);
        var entry = DeadLetteredEvent.Deserialize(Assert.Single(Db.ListRange(BusKeys.DeadLetter(topic, Group)))!);
        Assert.Contains("Delivery limit exceeded", entry.Error);
        Assert.False(Db.HashExists(BusKeys.Deliveries(topic, Group), looping.ItemId));
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task PublishAsync_InsideATrace_HandlerRunsInTheSameTrace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == InProcessEventBus.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var topic = NewTopic("trace");
        var probe = new BusProbe();
        using var host = BuildHost(probe, topic);
        await host.StartAsync();

        ActivityTraceId trace;
        using (var request = new Activity("incoming request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            trace = request.TraceId;
            await PublishAsync(host, topic, 1);
        }

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 1, "the delivery");
        var delivery = Assert.Single(probe.Deliveries);
        Assert.Equal(trace, delivery.TraceId);
        Assert.Equal(ActivityKind.Consumer, delivery.ActivityKind);
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task Worker_QueuedEventsWithDistinctKeys_HandledConcurrentlyInOneBatch()
    {
        var topic = NewTopic("batch-concurrency");
        var inside = 0;
        var mostInside = 0;
        var allInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new BusProbe();
        probe.Behavior = async (e, ct) =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref mostInside, now);
            if (now == 8)
            {
                allInside.TrySetResult();
            }

            // Each handler stays inside until all 8 are (a fixed delay could end before a slow scheduler started
            // the last one); the bound only keeps a sequential worker from hanging the test.
            await Task.WhenAny(allInside.Task, Task.Delay(TimeSpan.FromSeconds(5), ct));
            Interlocked.Decrement(ref inside);
            probe.ApplyEffect(e);
        };
        using var host = BuildHost(probe, topic);
        var bus = host.Services.GetRequiredService<IEventBus>();
        for (var i = 1; i <= 8; i++)
        {
            await bus.PublishAsync(topic, $"key-{i}", new ProbeEvent($"key-{i}", i));
        }

        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => probe.AppliedEventIds.Count == 8, "8 events handled", TimeSpan.FromSeconds(60));
        Assert.Equal(8, Volatile.Read(ref mostInside));
        await ProcessingDrainedAsync(topic);
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task Worker_InterleavedKeysInOneBatch_EachKeyHandledInPublishOrder()
    {
        var topic = NewTopic("batch-order");
        var probe = new BusProbe();
        probe.Behavior = async (e, ct) =>
        {
            // Uneven handler times would reorder a key's events if they ran concurrently.
            await Task.Delay((e.Sequence * 7) % 5, ct);
            probe.ApplyEffect(e);
        };
        using var host = BuildHost(probe, topic);
        var bus = host.Services.GetRequiredService<IEventBus>();
        var keys = new[] { "a", "b", "c" };
        for (var sequence = 1; sequence <= 10; sequence++)
        {
            foreach (var key in keys)
            {
                await bus.PublishAsync(topic, key, new ProbeEvent(key, sequence));
            }
        }

        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => probe.AppliedEventIds.Count == 30, "30 events handled");
        foreach (var key in keys)
        {
            Assert.Equal(Enumerable.Range(1, 10), probe.Deliveries.Where(d => d.Event.AccountId == key).Select(d => d.Event.Sequence));
        }

        await ProcessingDrainedAsync(topic);
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task Worker_PoisonEventInABatch_OnlyItIsDeadLetteredAndTheRestHandled()
    {
        var topic = NewTopic("batch-poison");
        var probe = new BusProbe();
        probe.Behavior = (e, _) =>
        {
            if (e is { AccountId: "k1", Sequence: 1 })
            {
                throw new InvalidOperationException("poison");
            }

            probe.ApplyEffect(e);
            return Task.CompletedTask;
        };
        using var host = BuildHost(probe, topic);
        var bus = host.Services.GetRequiredService<IEventBus>();
        var poison = new ProbeEvent("k1", 1);
        var others = new[] { new ProbeEvent("k2", 1), new ProbeEvent("k1", 2) };
        await bus.PublishAsync(topic, "k1", poison);
        await bus.PublishAsync(topic, "k2", others[0]);
        await bus.PublishAsync(topic, "k1", others[1]);
        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => Db.ListLength(BusKeys.DeadLetter(topic, Group)) == 1 && probe.AppliedEventIds.Count == 2, "poison dead-lettered, others handled");
        await ProcessingDrainedAsync(topic);
        Assert.Equal(MaxAttempts, probe.Deliveries.Count(d => d.Event == poison));
        Assert.All(others, e => Assert.Equal(1, probe.Deliveries.Count(d => d.Event == e)));
        var entry = DeadLetteredEvent.Deserialize(Assert.Single(Db.ListRange(BusKeys.DeadLetter(topic, Group)))!);
        Assert.Equal(poison.EventId, StoredEvent.Deserialize(System.Text.Encoding.UTF8.GetBytes(entry.Item)).Envelope.Id);
        Assert.Equal(0, Db.HashLength(BusKeys.Deliveries(topic, Group)));
        await host.StopAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    private Task ProcessingDrainedAsync(string topic) =>
        BusProbe.EventuallyAsync(() => Db.ListLength(BusKeys.Processing(topic, Group)) == 0, "processing list drained");

    private static string NewTopic(string name) => $"test.{name}.{Guid.NewGuid():N}";

    private static Contracts.EventEnvelope EventSerializerEnvelope(ProbeEvent e) => Contracts.EventSerializer.ToEnvelope(e, e.AccountId);

    private static byte[] Stored(ProbeEvent e, string key) =>
        new StoredEvent(Guid.NewGuid().ToString("N"), Contracts.EventSerializer.ToEnvelope(e, key), null, null).Serialize();

    private static Task<IReadOnlyList<ProbeEvent>> PublishAsync(IHost host, string topic, int count) =>
        BusProbe.PublishAsync(host.Services.GetRequiredService<IEventBus>(), topic, count);

    private IHost BuildHost(BusProbe probe, string topic, Action<IServiceCollection>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(store.Connection);
        builder.Services.AddSingleton(probe);
        builder.Services.AddInProcessEventBus(new InProcessBusOptions
        {
            MaxAttempts = MaxAttempts,
            MaxDeliveries = MaxDeliveries,
            RetryInitialBackoff = TimeSpan.FromMilliseconds(10),
            RetryMaxBackoff = TimeSpan.FromMilliseconds(50),
            PollInterval = TimeSpan.FromMilliseconds(200),
        });
        builder.Services.AddEventHandler<ProbeEvent, ProbeHandler>(topic, Group);
        more?.Invoke(builder.Services);
        return builder.Build();
    }
}

/// <summary>The contract against Garnet hosted in the test process.</summary>
public sealed class GarnetInProcessEventBusTests(GarnetFixture garnet)
    : InProcessEventBusContractTests(garnet), IClassFixture<GarnetFixture>;

/// <summary>The contract against Debian's redis-server started as a process (skipped with a reason if absent).</summary>
[RequiresRedisServer]
public sealed class RedisServerInProcessEventBusTests(RedisServerFixture redis)
    : InProcessEventBusContractTests(redis), IClassFixture<RedisServerFixture>;
