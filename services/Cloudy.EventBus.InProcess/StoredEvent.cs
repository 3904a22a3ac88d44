using System.Text.Json;
using System.Text.Json.Serialization;
using Cloudy.Contracts;

namespace Cloudy.EventBus.InProcess;

/// <summary>One queued event as stored in a group's list.</summary>
/// <param name="ItemId">Unique per publish: the list value stays unique and the delivery counter has a key.</param>
/// <param name="Envelope">The event.</param>
/// <param name="TraceParent">W3C <c>traceparent</c> of the publisher, if any.</param>
/// <param name="TraceState">W3C <c>tracestate</c> of the publisher, if any.</param>
public sealed record StoredEvent(string ItemId, EventEnvelope Envelope, string? TraceParent, string? TraceState)
{
    /// <summary>UTF-8 JSON of this item.</summary>
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, BusJsonContext.Default.StoredEvent);

    /// <summary>Parses a stored item; throws <see cref="JsonException"/> when malformed.</summary>
    public static StoredEvent Deserialize(byte[] utf8) =>
        JsonSerializer.Deserialize(utf8, BusJsonContext.Default.StoredEvent) ?? throw new JsonException("Empty bus item.");
}

/// <summary>An entry of a dead-letter list: the original item verbatim plus why it failed.</summary>
/// <param name="Item">The stored item exactly as it was queued (UTF-8 JSON text).</param>
/// <param name="Group">The consumer group that gave up.</param>
/// <param name="Error">Failure type and message (bounded).</param>
/// <param name="Attempts">Handler attempts in the last delivery (0 when it could not be read or ran out of deliveries).</param>
/// <param name="FailedAt">When it was dead-lettered.</param>
public sealed record DeadLetteredEvent(string Item, string Group, string Error, int Attempts, DateTimeOffset FailedAt)
{
    /// <summary>UTF-8 JSON of this entry.</summary>
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, BusJsonContext.Default.DeadLetteredEvent);

    /// <summary>Parses a dead-letter entry.</summary>
    public static DeadLetteredEvent Deserialize(byte[] utf8) =>
        JsonSerializer.Deserialize(utf8, BusJsonContext.Default.DeadLetteredEvent) ?? throw new JsonException("Empty dead letter.");
}

/// <summary>Source-generated JSON metadata for the bus's stored records.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoredEvent))]
[JsonSerializable(typeof(DeadLetteredEvent))]
internal sealed partial class BusJsonContext : JsonSerializerContext;
