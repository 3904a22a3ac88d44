namespace Cloudy.Contracts.Identity;

/// <summary>Create an account: the first device's Ed25519 public key (32 bytes, base64url).</summary>
public sealed record CreateAccountRequest(string? SigningKey);

/// <summary>An account and device id (account creation, link-code redemption).</summary>
public sealed record DeviceRegistered(string AccountId, int DeviceId);

/// <summary>Ask for a login challenge for a device.</summary>
public sealed record ChallengeRequest(string? AccountId, int? DeviceId);

/// <summary>A login challenge: sign <c>LoginMessage</c> over <paramref name="Nonce"/> before <paramref name="ExpiresAt"/>.</summary>
public sealed record ChallengeResponse(string Nonce, DateTimeOffset ExpiresAt);

/// <summary>Answer a challenge: the nonce and the device's Ed25519 signature (64 bytes, base64url).</summary>
public sealed record LoginRequest(string? AccountId, int? DeviceId, string? Nonce, string? Signature);

/// <summary>An access token for <c>Authorization: Bearer</c>.</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, string AccountId, int DeviceId);

/// <summary>The caller's account.</summary>
public sealed record AccountResponse(string AccountId, int DeviceId, int DeviceCount, bool LinkEnabled);

/// <summary>A device of the caller's account.</summary>
public sealed record DeviceResponse(int DeviceId, string SigningKey, DateTimeOffset CreatedAt);

/// <summary>The caller's devices.</summary>
public sealed record DeviceListResponse(IReadOnlyList<DeviceResponse> Devices);

/// <summary>A one-time device-link code.</summary>
public sealed record LinkCodeResponse(string Code, DateTimeOffset ExpiresAt);

/// <summary>Redeem a link code with the new device's Ed25519 public key.</summary>
public sealed record RedeemRequest(string? Code, string? SigningKey);

/// <summary>The caller's public-link handle.</summary>
public sealed record PublicLinkResponse(string Handle);

/// <summary>Resolve a public-link handle (in the body, so handles stay out of URLs, access logs and traces).</summary>
public sealed record ResolveLinkRequest(string? Handle);

/// <summary>What a public-link handle resolves to: the account id only.</summary>
public sealed record ResolvedLinkResponse(string AccountId);
