using Cloudy.Testing.EventBus;
using Cloudy.Testing.Kafka;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>
/// At-least-once across a consumer restart, against librdkafka's mock cluster (a broker test double):
/// offsets are stored only after the handler succeeded, so a stopped consumer resumes exactly after its
/// last stored offset.
/// </summary>
public sealed class ConsumerResumeTests(KafkaBrokerTestDoubleFixture kafka) : IClassFixture<KafkaBrokerTestDoubleFixture>
{
    [Fact]
    public async Task Consumer_StoppedMidStreamAndRestarted_ResumesAfterLastStoredOffsetWithNothingLost()
    {
        const int total = 10;
        const int stuckAt = 4;
        var topic = kafka.CreateTopic("resume");
        var probe = new BusProbe();
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Run 1: event #4 does its work, then the consumer is stopped before the handler returns
        // (a crash between the work and the acknowledgement).
        probe.Behavior = async (e, ct) =>
        {
            probe.ApplyEffect(e);
            if (e.Sequence == stuckAt)
            {
                stuck.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        IReadOnlyList<ProbeEvent> published;
        using (var first = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "resume"))
        {
            published = await KafkaBusHost.PublishAsync(first, topic, total);
            await first.StartAsync();
            await stuck.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await first.StopAsync();
        }

        var firstRun = probe.Deliveries.Count;
        Assert.Equal(published.Take(stuckAt), probe.Deliveries.Select(d => d.Event));

        // Run 2: a new consumer in the same group with the normal idempotent handler.
        probe.ApplyEffectsOnly();
        using (var second = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "resume"))
        {
            await second.StartAsync();
            await BusProbe.EventuallyAsync(() => probe.AppliedEventIds.Count == total, "all events applied");
            await second.StopAsync();
        }

        // It resumed at the unacknowledged event #4 (not at #1, not at #5) and went on in order...
        Assert.Equal(published.Skip(stuckAt - 1), probe.Deliveries.Skip(firstRun).Select(d => d.Event));
        // ...and the one redelivery was absorbed by the idempotent handler: every effect exactly once.
        Assert.Equal(1, probe.DuplicatesIgnored);
        Assert.Equal(published.Select(e => e.EventId).Order(), probe.AppliedEventIds.Order());
    }
}
