using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloudy.KeyDirectory.Http;

// Strict numbers: Web defaults would also read "1" as 1; a key upload has one spelling.

/// <summary>Source-generated JSON for key-directory requests and responses (byte arrays as standard base64).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(UploadKeysRequest))]
[JsonSerializable(typeof(PreKeyBundleResponse))]
[JsonSerializable(typeof(PreKeyCountsResponse))]
public sealed partial class KeyDirectoryJsonContext : JsonSerializerContext;
