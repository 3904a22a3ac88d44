using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Cloudy.Contracts;

/// <summary>
/// Serializes integration events to and from <see cref="EventEnvelope"/> with source-generated JSON.
/// Unknown types deserialize to <c>null</c> so an older consumer skips newer events instead of failing.
/// </summary>
public static class EventSerializer
{
    private static readonly Dictionary<string, Type> _types = new(StringComparer.Ordinal);

    // Source-generated metadata for the shared events; reflection only for events a service adds itself.
    private static readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(EventJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    static EventSerializer()
    {
        Register<AccountCreated>();
        Register<DeviceLinked>();
        Register<DeviceRemoved>();
        Register<AccountDeleted>();
        Register<IdentityKeyChanged>();
        Register<PreKeysLow>();
        Register<DeviceConnected>();
        Register<DeviceDisconnected>();
    }

    /// <summary>Registers an event type so it can be read back by name (services add their own).</summary>
    public static void Register<TEvent>() where TEvent : IntegrationEvent
    {
        lock (_types)
        {
            _types[typeof(TEvent).Name] = typeof(TEvent);
        }
    }

    /// <summary>The type name written on the wire for <paramref name="type"/>.</summary>
    public static string TypeName(Type type) => type.Name;

    /// <summary>Wraps an event in an envelope.</summary>
    public static EventEnvelope ToEnvelope(IntegrationEvent @event, string key)
    {
        var element = JsonSerializer.SerializeToElement(@event, @event.GetType(), _options);
        return new EventEnvelope(@event.EventId, TypeName(@event.GetType()), 1, key, @event.OccurredAt, element);
    }

    /// <summary>Serializes an envelope to UTF-8 JSON.</summary>
    public static byte[] SerializeEnvelope(EventEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, EventJsonContext.Default.EventEnvelope);

    /// <summary>Parses an envelope; throws <see cref="JsonException"/> on malformed input.</summary>
    public static EventEnvelope DeserializeEnvelope(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, EventJsonContext.Default.EventEnvelope)
        ?? throw new JsonException("Empty event envelope.");

    /// <summary>The event inside an envelope, or <c>null</c> when its type is unknown here.</summary>
    public static IntegrationEvent? ToEvent(EventEnvelope envelope)
    {
        Type? type;
        lock (_types)
        {
            _types.TryGetValue(envelope.Type, out type);
        }

        return type is null
            ? null
            : (IntegrationEvent?)envelope.Data.Deserialize(type, _options);
    }
}

/// <summary>Source-generated JSON metadata for the shared events.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventEnvelope))]
[JsonSerializable(typeof(AccountCreated))]
[JsonSerializable(typeof(DeviceLinked))]
[JsonSerializable(typeof(DeviceRemoved))]
[JsonSerializable(typeof(AccountDeleted))]
[JsonSerializable(typeof(IdentityKeyChanged))]
[JsonSerializable(typeof(PreKeysLow))]
[JsonSerializable(typeof(DeviceConnected))]
[JsonSerializable(typeof(DeviceDisconnected))]
public sealed partial class EventJsonContext : JsonSerializerContext;
