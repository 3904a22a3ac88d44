using System.Security.Cryptography;
using Cloudy.Security;
using Cloudy.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>Mints access tokens shaped like identity's (ES256, at+jwt, sub/dev) with the host's key, or deliberately bad ones.</summary>
public sealed class TokenMinter(ISigningKeyProvider keys)
{
    /// <summary>A valid token unless <paramref name="expires"/> is in the past or <paramref name="credentials"/> is foreign.</summary>
    public string Mint(string accountId, int deviceId, DateTimeOffset? expires = null, SigningCredentials? credentials = null) =>
        AccessTokens.Mint(credentials ?? keys.Current, accountId, deviceId, expires);

    /// <summary>A token that expired five minutes ago (beyond the clock skew).</summary>
    public string Expired(string accountId, int deviceId) => Mint(accountId, deviceId, DateTimeOffset.UtcNow.AddMinutes(-5));

    /// <summary>A token signed by a key the host does not know, under the host key's <c>kid</c>.</summary>
    public string Forged(string accountId, int deviceId)
    {
        var foreign = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keys.Current.Key.KeyId };
        return Mint(accountId, deviceId, credentials: new SigningCredentials(foreign, SecurityAlgorithms.EcdsaSha256));
    }

    /// <summary>A fresh random account id in identity's format (16 random bytes, base64url).</summary>
    public static string NewAccountId() => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
}
