using Cloudy.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Identity.Tokens;

/// <summary>An issued access token.</summary>
/// <param name="Token">The compact JWT.</param>
/// <param name="ExpiresAt">Its <c>exp</c>.</param>
internal sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues ES256 access tokens: <c>typ</c> <c>at+jwt</c>, <c>iss</c>, <c>aud</c>, <c>sub</c> = account id,
/// <c>dev</c> = device id (integer), <c>iat</c>/<c>nbf</c>/<c>exp</c>, and a random <c>jti</c>.
/// </summary>
internal sealed class TokenIssuer(ISigningKeyProvider keys, AuthOptions options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(string accountId, int deviceId)
    {
        var now = time.GetUtcNow();
        var expires = now + options.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = TokenTypes.AccessToken,
            SigningCredentials = keys.Current,
            Claims = new Dictionary<string, object>
            {
                [CloudyClaims.Account] = accountId,
                [CloudyClaims.Device] = deviceId,
                [JwtRegisteredClaimNames.Jti] = Domain.RandomIds.New(16),
            },
        });
        // exp has whole-second precision on the wire; report what the token says.
        return new IssuedToken(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
