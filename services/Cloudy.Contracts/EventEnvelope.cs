using System.Text.Json;

namespace Cloudy.Contracts;

/// <summary>
/// The wire form of an event on any bus: a type name and schema version beside the JSON payload.
/// Kafka carries <see cref="Type"/> and <see cref="Version"/> in headers as well, so consumers can
/// skip types they do not know without parsing the body.
/// </summary>
/// <param name="Id">Event id (idempotency key).</param>
/// <param name="Type">Event type name, e.g. <c>AccountDeleted</c>.</param>
/// <param name="Version">Schema version of <paramref name="Data"/>.</param>
/// <param name="Key">Partition key (an account id).</param>
/// <param name="OccurredAt">When the event happened.</param>
/// <param name="Data">The event body.</param>
public sealed record EventEnvelope(
    string Id,
    string Type,
    int Version,
    string Key,
    DateTimeOffset OccurredAt,
    JsonElement Data);
