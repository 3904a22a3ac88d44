using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloudy.Security;

/// <summary>Source-generated JSON for key documents.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(JwksDocument))]
[JsonSerializable(typeof(PrivateJwkSet))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;
