namespace Cloudy.Security;

/// <summary>Token settings shared by the issuer (identity) and every validator (section <c>Auth</c>).</summary>
public sealed record AuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Auth";

    /// <summary>The <c>iss</c> claim written and required.</summary>
    public string Issuer { get; init; } = "cloudy";

    /// <summary>The <c>aud</c> claim written and required.</summary>
    public string Audience { get; init; } = "cloudy";

    /// <summary>
    /// Identity's JWKS address (platform mode). When empty, keys come from the in-process
    /// <see cref="ISigningKeyProvider"/> (embedded mode and the identity service itself).
    /// </summary>
    public string? JwksUrl { get; init; }

    /// <summary>Signing key file (JWK set or PEM); default <c>&lt;Cloudy:DataDir&gt;/identity/signing-keys.json</c>.</summary>
    public string? SigningKeyPath { get; init; }

    /// <summary>Lifetime of issued access tokens; short because tokens are not revocable outside identity.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Clock skew tolerated when validating <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two JWKS refreshes triggered by an unknown <c>kid</c>.</summary>
    public TimeSpan JwksRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);
}
