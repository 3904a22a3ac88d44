using Cloudy.Testing.EventBus;
using Cloudy.Testing.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>
/// Keys handled concurrently by one consumer, against librdkafka's mock cluster (a broker test double):
/// each key keeps its order, other keys do not wait for a slow one, and the stored offset never passes a
/// record that has not finished.
/// </summary>
public sealed class ConcurrentConsumerTests(KafkaBrokerTestDoubleFixture kafka) : IClassFixture<KafkaBrokerTestDoubleFixture>
{
    private const int Keys = 6;
    private const int PerKey = 20;
    private static readonly TimeSpan _fastApply = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan _slowApply = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Consumer_ManyKeysInterleaved_EachKeyInOrderAndKeysHandledConcurrently()
    {
        var (published, probe, gauge) = await ConsumeInterleavedAsync("concurrent", settings: null);

        foreach (var key in published.Select(e => e.AccountId).Distinct())
        {
            Assert.Equal(
                published.Where(e => e.AccountId == key).Select(e => e.Sequence),
                probe.Deliveries.Where(d => d.Event.AccountId == key).Select(d => d.Event.Sequence));
        }

        Assert.True(gauge.Max > 1, $"expected keys to run concurrently, saw at most {gauge.Max} at a time");
        Assert.Equal(0, probe.DuplicatesIgnored);
    }

    [Fact]
    public async Task Consumer_MaxConcurrencyOne_HandlesRecordsOneAtATime()
    {
        var (_, _, gauge) = await ConsumeInterleavedAsync("sequential", new Dictionary<string, string?> { ["Kafka:MaxConcurrency"] = "1" });

        Assert.Equal(1, gauge.Max);
    }

    [Fact]
    public async Task Consumer_RecordStuckWhileLaterKeysFinish_CommittedOffsetStopsAtStuckRecordAndRestartRedeliversFromIt()
    {
        // One partition: offsets 0,1 = key a; 2 = key stuck; 3..7 = key b.
        var topic = kafka.CreateTopic("gap");
        var probe = new BusProbe();
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.Behavior = async (e, ct) =>
        {
            probe.ApplyEffect(e);
            if (e.AccountId == "stuck")
            {
                stuck.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        List<ProbeEvent> published = [new("a", 1), new("a", 2), new("stuck", 3), .. Enumerable.Range(4, 5).Select(i => new ProbeEvent("b", i))];
        using (var first = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "gap"))
        {
            var bus = first.Services.GetRequiredService<IEventBus>();
            foreach (var e in published)
            {
                await bus.PublishAsync(topic, e.AccountId, e);
            }

            await first.StartAsync();
            await stuck.Task.WaitAsync(TimeSpan.FromSeconds(20));
            // Key b is not held up by the stuck record...
            await BusProbe.EventuallyAsync(() => probe.Deliveries.Count(d => d.Event.AccountId == "b") == 5, "key b handled past the stuck record");
            // ...and key a's records before it are done and committed, so the offset below is not decided by
            // whether stopping happened to cut key a short.
            await BusProbe.EventuallyAsync(() => CommittedOffset(topic, "gap") == 2, "offsets committed up to the stuck record");
            await first.StopAsync();
        }

        // ...but the group's committed offset stays at the stuck record: offsets 3..7 are done, 2 is not.
        Assert.Equal(2, CommittedOffset(topic, "gap"));

        var firstRun = probe.Deliveries.Count;
        probe.ApplyEffectsOnly();
        using (var second = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "gap"))
        {
            await second.StartAsync();
            await BusProbe.EventuallyAsync(() => probe.Deliveries.Count == firstRun + 6, "redelivery from the stuck record");
            await second.StopAsync();
        }

        // Redelivered from offset 2 (not 0, not 8); the 5 repeats of key b are absorbed by the idempotent effect.
        Assert.Equal([3, 4, 5, 6, 7, 8], probe.Deliveries.Skip(firstRun).Select(d => d.Event.Sequence).Order());
        Assert.Equal(published.Select(e => e.EventId).Order(), probe.AppliedEventIds.Order());
        Assert.Equal(5 + 1, probe.DuplicatesIgnored);
    }

    [Fact]
    public async Task Consumer_SecondMemberJoinsWhileRecordsInFlight_NothingLostAndEachKeyAppliedInOrder()
    {
        var topic = kafka.CreateTopic("handover", partitions: 3);
        var ledger = new FirstApplications();
        var secondStarting = false;
        var (firstProbe, secondProbe) = (new BusProbe(), new BusProbe());
        // Once the second member is joining, the first slows down until the second has applied something: at full
        // speed the first could finish every record before the rebalance hands a partition over (slow on a busy
        // machine), and the second would never take part. Records stay in flight across the handover either way.
        firstProbe.Behavior = (e, ct) => ledger.ApplyAfterAsync(
            e, "first", Volatile.Read(ref secondStarting) && !ledger.Members.Contains("second") ? _slowApply : _fastApply, ct);
        secondProbe.Behavior = (e, ct) => ledger.ApplyAfterAsync(e, "second", _fastApply, ct);
        // A small in-flight window, so the first member has taken only a few records when the second joins:
        // it must finish those before it hands their partitions over.
        var settings = new Dictionary<string, string?> { ["Kafka:MaxInFlight"] = "4" };
        using var first = KafkaBusHost.Build(kafka.BootstrapServers, firstProbe, topic, "handover", settings: settings);
        using var second = KafkaBusHost.Build(kafka.BootstrapServers, secondProbe, topic, "handover", settings: settings);
        var bus = first.Services.GetRequiredService<IEventBus>();
        var perKey = await Task.WhenAll(Enumerable.Range(1, 12).Select(k => BusProbe.PublishAsync(bus, topic, 10, $"account-{k}")));
        var published = perKey.SelectMany(e => e).ToList();

        await first.StartAsync();
        await BusProbe.EventuallyAsync(() => ledger.Count >= 8, "the first member under way");
        Volatile.Write(ref secondStarting, true);
        await second.StartAsync();
        await BusProbe.EventuallyAsync(() => ledger.Count == published.Count, "every event applied", TimeSpan.FromSeconds(60));
        await Task.WhenAll(first.StopAsync(), second.StopAsync());

        Assert.Contains("first", ledger.Members);
        Assert.Contains("second", ledger.Members);
        foreach (var key in perKey)
        {
            Assert.Equal(key.Select(e => e.Sequence), ledger.OrderOf(key[0].AccountId));
        }
    }

    /// <summary>
    /// Publishes <see cref="PerKey"/> events for each of <see cref="Keys"/> keys to a fresh 3-partition topic, then
    /// consumes them all with handlers that take a few ms each, counting how many run at once.
    /// </summary>
    private async Task<(IReadOnlyList<ProbeEvent> Published, BusProbe Probe, ConcurrencyGauge Gauge)> ConsumeInterleavedAsync(
        string name, IReadOnlyDictionary<string, string?>? settings)
    {
        var topic = kafka.CreateTopic(name, partitions: 3);
        var probe = new BusProbe();
        var gauge = new ConcurrencyGauge();
        probe.Behavior = (e, ct) => CountedAsync(gauge, probe, e, ct);
        using var host = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, name, settings: settings);
        var bus = host.Services.GetRequiredService<IEventBus>();
        var perKey = await Task.WhenAll(Enumerable.Range(1, Keys).Select(k => BusProbe.PublishAsync(bus, topic, PerKey, $"account-{k}")));
        IReadOnlyList<ProbeEvent> published = [.. perKey.SelectMany(e => e)];
        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => probe.AppliedEventIds.Count == published.Count, "every event applied");
        await host.StopAsync();
        return (published, probe, gauge);
    }

    private static async Task CountedAsync(ConcurrencyGauge gauge, BusProbe probe, ProbeEvent e, CancellationToken cancellationToken)
    {
        using (gauge.Enter())
        {
            // Long enough that records of other keys, already fetched, start meanwhile.
            await Task.Delay(5, cancellationToken);
            probe.ApplyEffect(e);
        }
    }

    private long CommittedOffset(string topic, string group)
    {
        KafkaNative.EnsureLoaded();
        using var reader = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = group }).Build();
        var committed = reader.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(30));
        return Assert.Single(committed).Offset.Value;
    }

    /// <summary>Which member applied each event first, in the order the effects happened (redeliveries ignored).</summary>
    private sealed class FirstApplications
    {
        private readonly Lock _gate = new();
        private readonly HashSet<string> _applied = [];
        private readonly List<(ProbeEvent Event, string Member)> _order = [];

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _order.Count;
                }
            }
        }

        public IReadOnlySet<string> Members
        {
            get
            {
                lock (_gate)
                {
                    return _order.Select(a => a.Member).ToHashSet();
                }
            }
        }

        public IReadOnlyList<int> OrderOf(string key)
        {
            lock (_gate)
            {
                return [.. _order.Where(a => a.Event.AccountId == key).Select(a => a.Event.Sequence)];
            }
        }

        public async Task ApplyAfterAsync(ProbeEvent e, string member, TimeSpan work, CancellationToken cancellationToken)
        {
            await Task.Delay(work, cancellationToken);
            lock (_gate)
            {
                if (_applied.Add(e.EventId))
                {
                    _order.Add((e, member));
                }
            }
        }
    }
}
