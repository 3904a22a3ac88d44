using System.Security.Cryptography;
using System.Text;
using Cloudy.Security;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Identity.Tests;

/// <summary>Kinds of bad token an attacker or a buggy client can present.</summary>
public enum BadToken
{
    Expired,
    ForeignKeySameKid,
    WrongIssuer,
    WrongAudience,
    WrongType,
    AlgNone,
    TamperedPayload,
    Hs256WithPublicKey,
    NoDeviceClaim,
    Garbage,
}

/// <summary>Mints tokens with the host's real signing key or deliberately wrong ones.</summary>
public static class TokenForge
{
    /// <summary>Every kind of bad token, for theories.</summary>
    public static TheoryData<BadToken> AllBadTokens => new(Enum.GetValues<BadToken>());

    /// <summary>A correctly signed token with the given claims and lifetime (shaped by <see cref="Cloudy.Testing.AccessTokens"/>).</summary>
    public static string Mint(ISigningKeyProvider keys, string accountId, int? deviceId, DateTimeOffset? expires = null,
        string issuer = "cloudy", string audience = "cloudy", string type = TokenTypes.AccessToken, SigningCredentials? credentials = null) =>
        Cloudy.Testing.AccessTokens.Mint(credentials ?? keys.Current, accountId, deviceId, expires, issuer, audience, type);

    /// <summary>A bad token of kind <paramref name="kind"/> for a real account and device.</summary>
    public static string Forge(BadToken kind, ISigningKeyProvider keys, string accountId, int deviceId)
    {
        var kid = keys.Current.Key.KeyId;
        switch (kind)
        {
            case BadToken.Expired:
                return Mint(keys, accountId, deviceId, DateTimeOffset.UtcNow.AddMinutes(-5));
            case BadToken.ForeignKeySameKid:
                var foreign = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };
                return Mint(keys, accountId, deviceId, credentials: new SigningCredentials(foreign, SecurityAlgorithms.EcdsaSha256));
            case BadToken.WrongIssuer:
                return Mint(keys, accountId, deviceId, issuer: "someone-else");
            case BadToken.WrongAudience:
                return Mint(keys, accountId, deviceId, audience: "someone-else");
            case BadToken.WrongType:
                return Mint(keys, accountId, deviceId, type: "JWT");
            case BadToken.AlgNone:
                var header = Segment($"{{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"{kid}\"}}");
                var payload = Segment($"{{\"sub\":\"{accountId}\",\"dev\":{deviceId},\"iss\":\"cloudy\",\"aud\":\"cloudy\",\"exp\":{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}}}");
                return header + "." + payload + ".";
            case BadToken.TamperedPayload:
                var parts = Mint(keys, accountId, deviceId).Split('.');
                var tampered = Segment(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace($"\"dev\":{deviceId}", "\"dev\":2", StringComparison.Ordinal));
                return parts[0] + "." + tampered + "." + parts[2];
            case BadToken.Hs256WithPublicKey:
                // The classic confusion attack: HMAC keyed with public key bytes.
                var hmacKey = new SymmetricSecurityKey(SHA256.HashData(Encoding.UTF8.GetBytes(keys.PublicKeys[0].X))) { KeyId = kid };
                return Mint(keys, accountId, deviceId, credentials: new SigningCredentials(hmacKey, SecurityAlgorithms.HmacSha256));
            case BadToken.NoDeviceClaim:
                return Mint(keys, accountId, null);
            default:
                return "not-a-jwt";
        }
    }

    private static string Segment(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
