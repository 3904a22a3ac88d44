using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Security;

/// <summary>One P-256 signing key with its RFC 7638 thumbprint as key id.</summary>
internal sealed class EcSigningKey
{
    private EcSigningKey(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new InvalidDataException("Cloudy signing keys must be P-256 (ES256).");
        }

        var x = Base64Url.EncodeToString(parameters.Q.X);
        var y = Base64Url.EncodeToString(parameters.Q.Y);
        // RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}";
        var kid = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        Ecdsa = ecdsa;
        Public = new PublicJwk("EC", "P-256", x, y, kid, CloudyClaims.Algorithm, "sig");
        SecurityKey = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
    }

    /// <summary>The key pair (private half present for signing keys).</summary>
    public ECDsa Ecdsa { get; }

    /// <summary>The public JWK.</summary>
    public PublicJwk Public { get; }

    /// <summary>The IdentityModel key, carrying the <c>kid</c>.</summary>
    public ECDsaSecurityKey SecurityKey { get; }

    /// <summary>A fresh key from the OS CSPRNG.</summary>
    public static EcSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Wraps an imported key pair.</summary>
    public static EcSigningKey From(ECDsa ecdsa) => new(ecdsa);

    /// <summary>Imports a private JWK.</summary>
    public static EcSigningKey FromPrivateJwk(PrivateJwk jwk)
    {
        if (jwk.Kty != "EC" || jwk.Crv != "P-256")
        {
            throw new InvalidDataException("Signing key file holds a key that is not EC P-256.");
        }

        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.X), Y = Base64Url.DecodeFromChars(jwk.Y) },
            D = Base64Url.DecodeFromChars(jwk.D),
        });
        return new EcSigningKey(ecdsa);
    }

    /// <summary>Exports the private JWK for the key file.</summary>
    public PrivateJwk ToPrivateJwk()
    {
        var parameters = Ecdsa.ExportParameters(includePrivateParameters: true);
        return new PrivateJwk("EC", "P-256", Public.X, Public.Y, Base64Url.EncodeToString(parameters.D), Public.Kid);
    }
}

/// <summary>A private EC JWK as stored in the signing key file.</summary>
/// <param name="Kty">Key type.</param>
/// <param name="Crv">Curve.</param>
/// <param name="X">x coordinate.</param>
/// <param name="Y">y coordinate.</param>
/// <param name="D">Private scalar.</param>
/// <param name="Kid">Key id (informational; recomputed on load).</param>
internal sealed record PrivateJwk(string Kty, string Crv, string X, string Y, string D, string? Kid);

/// <summary>The signing key file: a private JWK set, first key active.</summary>
/// <param name="Keys">Keys, newest first.</param>
internal sealed record PrivateJwkSet(IReadOnlyList<PrivateJwk> Keys);
