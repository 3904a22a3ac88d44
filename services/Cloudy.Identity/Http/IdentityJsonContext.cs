using System.Text.Json;
using System.Text.Json.Serialization;
using Cloudy.Contracts.Identity;

namespace Cloudy.Identity.Http;

/// <summary>Source-generated JSON for identity requests and responses.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
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
public sealed partial class IdentityJsonContext : JsonSerializerContext;
