using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// Consumer-side metrics of the Kafka adapter (meter <see cref="KafkaEventBus.ActivitySourceName"/>): how long a
/// record waited between produce and the start of its handling (fetch wait, lane queue, in-flight window) and
/// how long handling took (retries and dead-lettering included). Watch them live with
/// <c>dotnet-counters monitor -p PID --counters Cloudy.EventBus.Kafka</c>.
/// </summary>
internal static class KafkaConsumerMetrics
{
    private static readonly Meter _meter = new(KafkaEventBus.ActivitySourceName);

    private static readonly Histogram<double> _wait = _meter.CreateHistogram<double>(
        "cloudy.kafka.consume.wait", "ms", "Time from a record's produce timestamp until its handling starts.");

    private static readonly Histogram<double> _duration = _meter.CreateHistogram<double>(
        "cloudy.kafka.consume.duration", "ms", "Time from the start of a record's handling until it is done (offset may be stored).");

    /// <summary>Records the wait of <paramref name="record"/>; returns the start timestamp for <see cref="Done"/>.</summary>
    public static long Started(ConsumeResult<string, byte[]> record, string group)
    {
        if (_wait.Enabled && record.Message.Timestamp.Type != TimestampType.NotAvailable)
        {
            var waited = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - record.Message.Timestamp.UnixTimestampMs;
            _wait.Record(Math.Max(0, waited), Tags(record.Topic, group));
        }

        return Stopwatch.GetTimestamp();
    }

    /// <summary>Records how long the record took since <paramref name="started"/>.</summary>
    public static void Done(long started, string topic, string group)
    {
        if (_duration.Enabled)
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, Tags(topic, group));
        }
    }

    private static TagList Tags(string topic, string group) => new()
    {
        { "messaging.destination.name", topic },
        { "messaging.consumer.group.name", group },
    };
}
