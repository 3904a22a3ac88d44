using System.Security.Cryptography;
using X25519Field = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace Cloudy.Protocol.Crypto;

/// <summary>
/// XEdDSA over Curve25519 (https://signal.org/docs/specifications/xeddsa/), with libsignal's variant:
/// the Edwards sign bit of the signer's key travels in the top bit of the signature instead of
/// being forced to 0, so one X25519 identity key both agrees and signs.
/// </summary>
internal static class XEdDsa
{
    public const int SignatureLength = 64;

    public static byte[] Sign(ReadOnlySpan<byte> x25519PrivateKey, ReadOnlySpan<byte> message)
    {
        Sodium.EnsureInitialized();
        Span<byte> wide = stackalloc byte[64];
        Span<byte> a = stackalloc byte[32];
        Span<byte> edPublic = stackalloc byte[32];
        Span<byte> r = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Span<byte> ha = stackalloc byte[32];
        var random = RandomNumberGenerator.GetBytes(64);
        try
        {
            // a = k mod L; A = aB. (k is clamped, so aB equals the Edwards form of the X25519 key.)
            wide.Clear();
            x25519PrivateKey.CopyTo(wide);
            Sodium.crypto_core_ed25519_scalar_reduce(a, wide);
            if (Sodium.crypto_scalarmult_ed25519_base_noclamp(edPublic, a) != 0)
            {
                throw new InvalidKeyException("invalid private key for signing");
            }
            var signBit = (byte)(edPublic[31] & 0x80);

            // r = H(0xFE || 0xFF*31 || k || M || Z) mod L
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                Span<byte> prefix = stackalloc byte[32];
                prefix.Fill(0xFF);
                prefix[0] = 0xFE;
                hash.AppendData(prefix);
                hash.AppendData(x25519PrivateKey);
                hash.AppendData(message);
                hash.AppendData(random);
                hash.GetHashAndReset(wide);
            }
            Sodium.crypto_core_ed25519_scalar_reduce(r, wide);

            var signature = new byte[SignatureLength];
            if (Sodium.crypto_scalarmult_ed25519_base_noclamp(signature.AsSpan(0, 32), r) != 0)
            {
                throw new CryptographicException("XEdDSA nonce produced the identity point");
            }

            // h = H(R || A || M) mod L; s = h*a + r mod L
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                hash.AppendData(signature.AsSpan(0, 32));
                hash.AppendData(edPublic);
                hash.AppendData(message);
                hash.GetHashAndReset(wide);
            }
            Sodium.crypto_core_ed25519_scalar_reduce(h, wide);
            Sodium.crypto_core_ed25519_scalar_mul(ha, h, a);
            Sodium.crypto_core_ed25519_scalar_add(signature.AsSpan(32, 32), ha, r);
            signature[63] &= 0x7F;
            signature[63] |= signBit;
            return signature;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(r);
            CryptographicOperations.ZeroMemory(ha);
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>
    /// Accepts what libsignal's verifier accepts: the key converted to Edwards form with the sign bit
    /// carried in the signature, and <c>s</c> below 2^253 taken mod L. The check itself,
    /// <c>sB − hA == R</c> with <c>h = SHA-512(R ‖ A ‖ M)</c>, is plain Ed25519 verification, so it
    /// runs in libsodium's variable-time double-scalar multiplication (all inputs are public).
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> x25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (x25519PublicKey.Length != 32 || signature.Length != SignatureLength)
        {
            return false;
        }
        Sodium.EnsureInitialized();
        Span<byte> edPublic = stackalloc byte[32];
        if (!TryMontgomeryToEdwards(x25519PublicKey, (signature[63] & 0x80) >> 7, edPublic))
        {
            return false;
        }
        // libsignal clears the sign-bit slot, refuses s >= 2^253 and reduces the rest mod L.
        // libsodium refuses a non-canonical s (>= L) instead, so hand it s mod L.
        if ((signature[63] & 0x60) != 0)
        {
            return false;
        }
        Span<byte> wide = stackalloc byte[64];
        signature[32..].CopyTo(wide);
        wide[31] &= 0x7F;
        Span<byte> edSignature = stackalloc byte[SignatureLength];
        signature[..32].CopyTo(edSignature);
        Sodium.crypto_core_ed25519_scalar_reduce(edSignature[32..], wide);
        return Sodium.crypto_sign_ed25519_verify_detached(edSignature, message, (ulong)message.Length, edPublic) == 0;
    }

    /// <summary>
    /// Birational map from the Montgomery u-coordinate to the Edwards y-coordinate,
    /// <c>y = (u − 1) / (u + 1)</c>, encoded with <paramref name="signBit"/> as the sign of x. Bit 255
    /// of u is ignored (RFC 7748). False for u = −1, which has no image. Public data only, so the
    /// field inversion may be variable time (BouncyCastle's field arithmetic mod 2^255 − 19).
    /// </summary>
    internal static bool TryMontgomeryToEdwards(ReadOnlySpan<byte> u, int signBit, Span<byte> edwards)
    {
        var uField = X25519Field.Create();
        X25519Field.Decode255(u.ToArray(), uField);
        var one = X25519Field.Create();
        X25519Field.One(one);
        var numerator = X25519Field.Create();
        var denominator = X25519Field.Create();
        X25519Field.Sub(uField, one, numerator);
        X25519Field.Add(uField, one, denominator);
        X25519Field.Normalize(denominator);
        if (X25519Field.IsZeroVar(denominator))
        {
            return false;
        }
        var y = X25519Field.Create();
        X25519Field.InvVar(denominator, y);
        X25519Field.Mul(numerator, y, y);
        X25519Field.Normalize(y);
        var encoded = new byte[32];
        X25519Field.Encode(y, encoded, 0);
        encoded[31] |= (byte)(signBit << 7);
        encoded.CopyTo(edwards);
        return true;
    }
}
