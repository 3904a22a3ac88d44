using Cloudy.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Testing;

/// <summary>
/// Mints access tokens shaped like identity's (ES256, <c>at+jwt</c>, <c>sub</c>/<c>dev</c>/<c>jti</c>), for service tests
/// that need a caller without running identity. Every field can be made wrong on purpose for bad-token tests.
/// </summary>
public static class AccessTokens
{
    /// <summary>
    /// A token signed with <paramref name="credentials"/>, valid for ten minutes before <paramref name="expires"/>
    /// (default: five minutes from now). A null <paramref name="deviceId"/> leaves out the <c>dev</c> claim.
    /// </summary>
    public static string Mint(SigningCredentials credentials, string accountId, int? deviceId, DateTimeOffset? expires = null,
        string issuer = "cloudy", string audience = "cloudy", string type = TokenTypes.AccessToken)
    {
        var exp = expires ?? DateTimeOffset.UtcNow.AddMinutes(5);
        var claims = new Dictionary<string, object> { ["sub"] = accountId, ["jti"] = Guid.NewGuid().ToString("N") };
        if (deviceId is { } device)
        {
            claims["dev"] = device;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = exp.AddMinutes(-10).UtcDateTime,
            NotBefore = exp.AddMinutes(-10).UtcDateTime,
            Expires = exp.UtcDateTime,
            TokenType = type,
            SigningCredentials = credentials,
            Claims = claims,
        });
    }
}
