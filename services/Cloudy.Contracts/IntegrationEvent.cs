namespace Cloudy.Contracts;

/// <summary>
/// Base of every event that crosses a service boundary. Events carry ids and public
/// data only: never message content, key material or tokens.
/// </summary>
/// <remarks>
/// Events are serialized as versioned JSON inside an <see cref="EventEnvelope"/>; readers
/// ignore unknown fields and unknown event types so producers can evolve first.
/// </remarks>
public abstract record IntegrationEvent
{
    /// <summary>Unique id of this event; handlers use it to be idempotent.</summary>
    public string EventId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>When the event happened (UTC).</summary>
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}
