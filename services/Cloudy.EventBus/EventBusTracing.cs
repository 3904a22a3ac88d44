using System.Diagnostics;
using Cloudy.Contracts;

namespace Cloudy.EventBus;

/// <summary>
/// W3C trace-context propagation across the bus: the publisher writes <c>traceparent</c> /
/// <c>tracestate</c> beside the event, the consumer continues that trace in its process span.
/// Tags follow the OpenTelemetry messaging conventions; keys (account ids) are not recorded.
/// </summary>
public static class EventBusTracing
{
    /// <summary>W3C trace-context header carrying trace id, parent span id and flags.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>W3C vendor-specific trace state.</summary>
    public const string TraceStateHeader = "tracestate";

    /// <summary>Starts the producer span for publishing <paramref name="envelope"/> (null when nobody listens).</summary>
    public static Activity? StartPublish(ActivitySource source, string system, string topic, EventEnvelope envelope)
    {
        var activity = source.StartActivity($"{topic} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", system)
            .SetTag("messaging.operation.type", "send")
            .SetTag("messaging.destination.name", topic)
            .SetTag("messaging.message.id", envelope.Id)
            .SetTag("cloudy.event.type", envelope.Type);
        return activity;
    }

    /// <summary>
    /// Starts the consumer span for one event, as a child of the publisher's context when
    /// <paramref name="traceParent"/> is valid, else as a new trace.
    /// </summary>
    public static Activity? StartProcess(
        ActivitySource source, string system, string topic, string group, EventEnvelope envelope, string? traceParent, string? traceState)
    {
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        var activity = source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", system)
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.destination.name", topic)
            .SetTag("messaging.consumer.group.name", group)
            .SetTag("messaging.message.id", envelope.Id)
            .SetTag("cloudy.event.type", envelope.Type);
        return activity;
    }

    /// <summary>
    /// The trace context to send: <paramref name="activity"/>'s, else the ambient one (so a trace continues
    /// even when nobody samples the bus source), else nothing.
    /// </summary>
    public static (string? TraceParent, string? TraceState) Capture(Activity? activity)
    {
        var current = activity ?? Activity.Current;
        if (current is null || current.IdFormat != ActivityIdFormat.W3C)
        {
            return (null, null);
        }

        var flags = (current.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        return ($"00-{current.TraceId.ToHexString()}-{current.SpanId.ToHexString()}-{flags}", current.TraceStateString);
    }

    /// <summary>Marks <paramref name="activity"/> failed with a bounded description of <paramref name="error"/>.</summary>
    public static void RecordError(Activity? activity, Exception error) =>
        activity?.SetStatus(ActivityStatusCode.Error, RetryOutcome.Describe(error))
            .SetTag("error.type", error.GetType().FullName);
}
