using System.Text;
using Cloudy.Contracts;
using Cloudy.Testing.EventBus;
using Cloudy.Testing.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>Bounded retries, then the dead-letter topic, against librdkafka's mock cluster (a broker test double).</summary>
public sealed class DeadLetterTests(KafkaBrokerTestDoubleFixture kafka) : IClassFixture<KafkaBrokerTestDoubleFixture>
{
    [Fact]
    public async Task Consumer_HandlerAlwaysFails_RetriedMaxAttemptsThenOnDeadLetterTopicAndStreamContinues()
    {
        var topic = kafka.CreateTopic("dlq");
        var probe = new BusProbe();
        probe.Behavior = (e, _) => e.Sequence == 1
            ? throw new InvalidOperationException("handler refused event 1")
            : Task.CompletedTask;
        using var host = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "dlq");
        await host.StartAsync();

        var published = await KafkaBusHost.PublishAsync(host, topic, 2);

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Any(d => d.Event.Sequence == 2), "the event after the poison one");
        Assert.Equal(KafkaBusHost.MaxAttempts, probe.Deliveries.Count(d => d.Event.Sequence == 1));

        var dead = Assert.Single(KafkaTopicReader.Read(kafka.BootstrapServers, Topics.DeadLetter(topic), 1, TimeSpan.FromSeconds(30)));
        var headers = dead.Message.Headers;
        Assert.Equal(published[0].EventId, KafkaHeaders.GetString(headers, KafkaHeaders.EventId));
        Assert.Contains("handler refused event 1", KafkaHeaders.GetString(headers, KafkaHeaders.DeadLetterError));
        Assert.Equal("3", KafkaHeaders.GetString(headers, KafkaHeaders.DeadLetterAttempts));
        Assert.Equal("dlq", KafkaHeaders.GetString(headers, KafkaHeaders.DeadLetterGroup));
        Assert.Equal(topic, KafkaHeaders.GetString(headers, KafkaHeaders.DeadLetterTopic));
        Assert.Equal("0", KafkaHeaders.GetString(headers, KafkaHeaders.DeadLetterOffset));
        Assert.Equal(published[0], EventSerializer.ToEvent(EventSerializer.DeserializeEnvelope(dead.Message.Value)));
        await host.StopAsync();
    }

    [Fact]
    public async Task Consumer_UnreadableRecordOfSubscribedType_DeadLetteredWithoutCallingHandler()
    {
        var topic = kafka.CreateTopic("poison");
        var probe = new BusProbe();
        using var host = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "poison");
        var headers = new Headers().AddString(KafkaHeaders.EventType, nameof(ProbeEvent));
        await KafkaTopicReader.ProduceRawAsync(kafka.BootstrapServers, topic, "k", Encoding.UTF8.GetBytes("not json"), headers);
        var good = new ProbeEvent("k", 2);
        await host.Services.GetRequiredService<IEventBus>().PublishAsync(topic, "k", good);
        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 1, "the good event");
        Assert.Equal(good, Assert.Single(probe.Deliveries).Event);
        var dead = Assert.Single(KafkaTopicReader.Read(kafka.BootstrapServers, Topics.DeadLetter(topic), 1, TimeSpan.FromSeconds(30)));
        Assert.Equal("not json", Encoding.UTF8.GetString(dead.Message.Value));
        Assert.Equal("0", KafkaHeaders.GetString(dead.Message.Headers, KafkaHeaders.DeadLetterAttempts));
        await host.StopAsync();
    }
}
