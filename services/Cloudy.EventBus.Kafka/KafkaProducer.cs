using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// The process's single idempotent producer (acks=all), shared by publishing, dead-lettering and the
/// health check. Created on first use so that a host without Kafka traffic opens no connection.
/// </summary>
internal sealed class KafkaProducer : IDisposable
{
    private readonly Lazy<IProducer<string, byte[]>> _producer;

    public KafkaProducer(IOptions<KafkaOptions> options, ILogger<KafkaProducer> logger)
    {
        _producer = new(() =>
        {
            KafkaNative.EnsureLoaded();
            return new ProducerBuilder<string, byte[]>(options.Value.ToProducerConfig())
                .SetErrorHandler((_, e) => Log.ClientError(logger, e.Code, e.IsFatal, e.Reason))
                .SetLogHandler((_, m) => KafkaClientLog.Write(logger, m))
                .Build();
        });
    }

    /// <summary>The native handle, for dependent admin clients.</summary>
    public Handle Handle => _producer.Value.Handle;

    /// <summary>Produces <paramref name="message"/> and waits for its delivery report (acks=all).</summary>
    public Task<DeliveryResult<string, byte[]>> ProduceAsync(string topic, Message<string, byte[]> message, CancellationToken cancellationToken) =>
        _producer.Value.ProduceAsync(topic, message, cancellationToken);

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            // Delivery reports for in-flight messages arrive during the flush; callers are awaiting them.
            _producer.Value.Flush(TimeSpan.FromSeconds(10));
            _producer.Value.Dispose();
        }
    }
}

/// <summary>Routes librdkafka's own log lines (warnings and worse) to <see cref="ILogger"/>.</summary>
internal static class KafkaClientLog
{
    public static void Write(ILogger logger, LogMessage message)
    {
        if (message.Level <= SyslogLevel.Warning)
        {
            Log.ClientWarning(logger, message.Facility, message.Message);
        }
    }
}
