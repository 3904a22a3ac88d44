using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Security;

/// <summary>
/// The token signing keys of this deployment. Identity signs with <see cref="Current"/>; validators
/// in the same process (embedded mode) accept every key in <see cref="ValidationKeys"/>; identity
/// publishes <see cref="PublicKeys"/> as its JWKS so remote validators see the same set.
/// </summary>
/// <remarks>Several keys may be valid at once so a rotation never invalidates live tokens.</remarks>
public interface ISigningKeyProvider
{
    /// <summary>Credentials of the active signing key (ES256, with <c>kid</c>).</summary>
    SigningCredentials Current { get; }

    /// <summary>Public halves of every key a token may still be signed with.</summary>
    IReadOnlyList<SecurityKey> ValidationKeys { get; }

    /// <summary>The same keys as public JWKs, for <c>/.well-known/jwks.json</c>.</summary>
    IReadOnlyList<PublicJwk> PublicKeys { get; }
}

/// <summary>A public EC signing key in JWK form (RFC 7517/7518); never carries the private scalar.</summary>
/// <param name="Kty">Key type, always <c>EC</c>.</param>
/// <param name="Crv">Curve, always <c>P-256</c>.</param>
/// <param name="X">Base64url x coordinate.</param>
/// <param name="Y">Base64url y coordinate.</param>
/// <param name="Kid">Key id: the RFC 7638 thumbprint.</param>
/// <param name="Alg">Algorithm, always <c>ES256</c>.</param>
/// <param name="Use">Public key use, always <c>sig</c>.</param>
public sealed record PublicJwk(string Kty, string Crv, string X, string Y, string Kid, string Alg, string Use);

/// <summary>A JWK set document.</summary>
/// <param name="Keys">The keys.</param>
public sealed record JwksDocument(IReadOnlyList<PublicJwk> Keys);
