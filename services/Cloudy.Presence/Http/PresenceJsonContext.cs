using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloudy.Presence.Http;

/// <summary>Source-generated JSON for presence requests and responses.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PresenceSettingsRequest))]
[JsonSerializable(typeof(PresenceSettingsResponse))]
[JsonSerializable(typeof(PresenceResponse))]
[JsonSerializable(typeof(WatchRequest))]
[JsonSerializable(typeof(WatchResponse))]
public sealed partial class PresenceJsonContext : JsonSerializerContext;
