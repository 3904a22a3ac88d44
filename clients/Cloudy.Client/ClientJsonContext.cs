using System.Text.Json;
using System.Text.Json.Serialization;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Client.Wire;
using Cloudy.Contracts.Delivery;
using Cloudy.Contracts.Identity;

namespace Cloudy.Client;

/// <summary>Problem details as the server writes them (RFC 7807), with extension members such as <c>missingDevices</c>.</summary>
internal sealed class Problem
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    /// <summary>Every member besides the standard ones.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; set; }
}

/// <summary>Source-generated JSON for every body the client sends or reads, and the records it keeps locally.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(CreateAccountRequest))]
[JsonSerializable(typeof(DeviceRegistered))]
[JsonSerializable(typeof(ChallengeRequest))]
[JsonSerializable(typeof(ChallengeResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(DeviceListResponse))]
[JsonSerializable(typeof(LinkCodeResponse))]
[JsonSerializable(typeof(RedeemRequest))]
[JsonSerializable(typeof(PublicLinkResponse))]
[JsonSerializable(typeof(ResolveLinkRequest))]
[JsonSerializable(typeof(ResolvedLinkResponse))]
[JsonSerializable(typeof(UploadKeysRequest))]
[JsonSerializable(typeof(PreKeyBundleResponse))]
[JsonSerializable(typeof(PreKeyCountsResponse))]
[JsonSerializable(typeof(SendRequest))]
[JsonSerializable(typeof(SendResponse))]
[JsonSerializable(typeof(MailboxPage))]
[JsonSerializable(typeof(StreamFrame))]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(PresenceResponse))]
[JsonSerializable(typeof(PresenceSettings))]
[JsonSerializable(typeof(WatchRequest))]
[JsonSerializable(typeof(WatchResponse))]
[JsonSerializable(typeof(MessageContent))]
[JsonSerializable(typeof(StoredDevice))]
[JsonSerializable(typeof(PreKeyCursor))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(List<Contact>))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
