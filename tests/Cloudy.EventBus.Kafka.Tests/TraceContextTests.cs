using System.Collections.Concurrent;
using System.Diagnostics;
using Cloudy.Testing.EventBus;
using Cloudy.Testing.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>W3C trace context across the Kafka hop, against librdkafka's mock cluster (a broker test double).</summary>
public sealed class TraceContextTests(KafkaBrokerTestDoubleFixture kafka) : IClassFixture<KafkaBrokerTestDoubleFixture>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener = Listen(KafkaEventBus.ActivitySourceName);

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task PublishAsync_InsideATrace_ConsumerActivityContinuesTheSameTrace()
    {
        _listener.ActivityStopped = _stopped.Enqueue;
        var topic = kafka.CreateTopic("trace");
        var probe = new BusProbe();
        using var host = KafkaBusHost.Build(kafka.BootstrapServers, probe, topic, "trace");
        await host.StartAsync();
        var sent = new ProbeEvent("k", 1);

        ActivityTraceId requestTrace;
        using (var request = new Activity("incoming request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            requestTrace = request.TraceId;
            await host.Services.GetRequiredService<IEventBus>().PublishAsync(topic, "k", sent);
        }

        await BusProbe.EventuallyAsync(() => probe.Deliveries.Count >= 1, "the delivery");
        var delivery = Assert.Single(probe.Deliveries);
        var publish = Assert.Single(_stopped, a => a.Kind == ActivityKind.Producer && Tag(a, "messaging.message.id") == sent.EventId);
        Assert.Equal(requestTrace, publish.TraceId);
        Assert.Equal(requestTrace, delivery.TraceId);
        Assert.Equal(publish.SpanId, delivery.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, delivery.ActivityKind);
        await host.StopAsync();

        var process = Assert.Single(_stopped, a => a.Kind == ActivityKind.Consumer && Tag(a, "messaging.message.id") == sent.EventId);
        Assert.Equal($"{topic} process", process.DisplayName);
        Assert.Equal("trace", Tag(process, "messaging.consumer.group.name"));
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) as string;

    private static ActivityListener Listen(string source)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
