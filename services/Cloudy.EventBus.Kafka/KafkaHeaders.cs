using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cloudy.Contracts;
using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// Header names on Cloudy's Kafka records. Type and version let a consumer skip unknown events
/// without parsing the body; <c>traceparent</c>/<c>tracestate</c> carry W3C trace context; the
/// <c>cloudy-dlq-*</c> headers say why and from where a record was dead-lettered.
/// </summary>
public static class KafkaHeaders
{
    /// <summary>Event type name, e.g. <c>AccountDeleted</c>.</summary>
    public const string EventType = "cloudy-event-type";

    /// <summary>Schema version of the event body.</summary>
    public const string EventVersion = "cloudy-event-version";

    /// <summary>Event id (idempotency key).</summary>
    public const string EventId = "cloudy-event-id";

    /// <summary>Dead letter: failure type and message (bounded).</summary>
    public const string DeadLetterError = "cloudy-dlq-error";

    /// <summary>Dead letter: how many handler attempts were made (0 for an unreadable record).</summary>
    public const string DeadLetterAttempts = "cloudy-dlq-attempts";

    /// <summary>Dead letter: consumer group that gave up.</summary>
    public const string DeadLetterGroup = "cloudy-dlq-group";

    /// <summary>Dead letter: source topic.</summary>
    public const string DeadLetterTopic = "cloudy-dlq-topic";

    /// <summary>Dead letter: source partition.</summary>
    public const string DeadLetterPartition = "cloudy-dlq-partition";

    /// <summary>Dead letter: source offset.</summary>
    public const string DeadLetterOffset = "cloudy-dlq-offset";

    /// <summary>Dead letter: when the consumer gave up (ISO 8601, UTC).</summary>
    public const string DeadLetterFailedAt = "cloudy-dlq-failed-at";

    /// <summary>The last value of header <paramref name="name"/> as UTF-8 text, or <c>null</c>.</summary>
    public static string? GetString(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>Adds header <paramref name="name"/> as UTF-8 text.</summary>
    public static Headers AddString(this Headers headers, string name, string value)
    {
        headers.Add(name, Encoding.UTF8.GetBytes(value));
        return headers;
    }

    /// <summary>Headers for publishing <paramref name="envelope"/> within <paramref name="activity"/>'s trace.</summary>
    internal static Headers ForEnvelope(EventEnvelope envelope, Activity? activity)
    {
        var headers = new Headers()
            .AddString(EventType, envelope.Type)
            .AddString(EventVersion, envelope.Version.ToString(CultureInfo.InvariantCulture))
            .AddString(EventId, envelope.Id);
        var (traceParent, traceState) = EventBusTracing.Capture(activity);
        if (traceParent is not null)
        {
            headers.AddString(EventBusTracing.TraceParentHeader, traceParent);
        }

        if (!string.IsNullOrEmpty(traceState))
        {
            headers.AddString(EventBusTracing.TraceStateHeader, traceState);
        }

        return headers;
    }
}
