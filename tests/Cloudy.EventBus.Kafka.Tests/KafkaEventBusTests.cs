using System.Text;
using Cloudy.Contracts;
using Cloudy.Testing.EventBus;
using Cloudy.Testing.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>Publish/consume through the Kafka adapter against librdkafka's mock cluster (a broker test double).</summary>
public sealed class KafkaEventBusTests(KafkaBrokerTestDoubleFixture kafka) : IClassFixture<KafkaBrokerTestDoubleFixture>
{
    [Fact]
    public async Task PublishAsync_SubscribedGroup_HandlerReceivesEveryEventInKeyOrder()
    {
        var topic = kafka.CreateTopic("roundtrip", partitions: 3);
        var probe = new BusProbe();
        using var host = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "roundtrip");
        await host.StartAsync();

        var published = await KafkaBusHost.PublishAsync(host, topic, 5);

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 5, "5 deliveries");
        Assert.Equal(published, probe.Deliveries.Select(d => d.Event));
        await host.StopAsync();
    }

    [Fact]
    public async Task PublishAsync_Record_CarriesTypeVersionAndIdHeadersAndEnvelopeBody()
    {
        var topic = kafka.CreateTopic("headers");
        using var host = KafkaBusHost.Build(kafka.BootstrapServers, new BusProbe(), topic, "headers-unused");
        var bus = host.Services.GetRequiredService<IEventBus>();
        var sent = new ProbeEvent("account-7", 42);

        await bus.PublishAsync(topic, "account-7", sent);

        var record = Assert.Single(KafkaTopicReader.Read(kafka.BootstrapServers, topic, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal("account-7", record.Message.Key);
        Assert.Equal(nameof(ProbeEvent), KafkaHeaders.GetString(record.Message.Headers, KafkaHeaders.EventType));
        Assert.Equal("1", KafkaHeaders.GetString(record.Message.Headers, KafkaHeaders.EventVersion));
        Assert.Equal(sent.EventId, KafkaHeaders.GetString(record.Message.Headers, KafkaHeaders.EventId));
        var envelope = EventSerializer.DeserializeEnvelope(record.Message.Value);
        Assert.Equal(sent, EventSerializer.ToEvent(envelope));
    }

    [Fact]
    public async Task Consumer_UnknownEventTypes_SkipsThemAndHandlesTheNextEvent()
    {
        var topic = kafka.CreateTopic("forward-compat");
        var probe = new BusProbe();
        using var host = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "forward-compat");
        var bus = host.Services.GetRequiredService<IEventBus>();

        // A type from a newer producer (header only), a known type this group does not subscribe to, then one it does.
        var future = new Headers().AddString(KafkaHeaders.EventType, "EventFromTheFuture").AddString(KafkaHeaders.EventVersion, "3");
        await KafkaTopicReader.ProduceRawAsync(kafka.BootstrapServers, topic, "k", Encoding.UTF8.GetBytes("{\"v3\":true}"), future);
        await bus.PublishAsync(topic, "k", new OtherProbeEvent("k"));
        var handled = new ProbeEvent("k", 1);
        await bus.PublishAsync(topic, "k", handled);
        await host.StartAsync();

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 1, "the subscribed event");
        Assert.Equal(handled, Assert.Single(probe.Deliveries).Event);
        Assert.Empty(probe.AppliedEventIds.Except([handled.EventId]));
        await host.StopAsync();
    }

    [Fact]
    public async Task PublishAsync_TwoGroups_EachGroupHandlesTheEvent()
    {
        var topic = kafka.CreateTopic("fanout");
        var first = new BusProbe();
        var second = new BusProbe();
        using var a = KafkaBusHost.Build(kafka.BootstrapServers, first, topic, "fanout-a");
        using var b = KafkaBusHost.Build(kafka.BootstrapServers, second, topic, "fanout-b");
        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        var published = await KafkaBusHost.PublishAsync(a, topic, 2);

        await BusProbe.EventuallyAsync(() => first.Deliveries.Count >= 2 && second.Deliveries.Count >= 2, "both groups");
        Assert.Equal(published, first.Deliveries.Select(d => d.Event));
        Assert.Equal(published, second.Deliveries.Select(d => d.Event));
        await Task.WhenAll(a.StopAsync(), b.StopAsync());
    }
}
