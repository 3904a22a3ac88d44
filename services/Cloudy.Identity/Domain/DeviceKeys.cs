using NSec.Cryptography;

namespace Cloudy.Identity.Domain;

/// <summary>Device signing keys: Ed25519 public keys, 32 bytes raw, base64url on the wire.</summary>
public static class DeviceKeys
{
    /// <summary>Raw Ed25519 public key length.</summary>
    public const int PublicKeyBytes = 32;

    /// <summary>Ed25519 signature length.</summary>
    public const int SignatureBytes = 64;

    /// <summary>Parses a base64url public key; refuses other lengths and keys NSec will not import.</summary>
    public static bool TryParse(string? value, out byte[] key)
    {
        if (RandomIds.TryDecode(value, PublicKeyBytes, out key)
            && PublicKey.TryImport(SignatureAlgorithm.Ed25519, key, KeyBlobFormat.RawPublicKey, out _))
        {
            return true;
        }

        key = [];
        return false;
    }

    /// <summary>Verifies an Ed25519 <paramref name="signature"/> of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureBytes
        && PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key)
        && SignatureAlgorithm.Ed25519.Verify(key!, message, signature);
}
