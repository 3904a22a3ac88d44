using System.Security.Cryptography;

namespace Cloudy.Protocol.Crypto;

/// <summary>
/// X25519 (RFC 7748) on libsodium's <c>crypto_scalarmult_curve25519</c> (constant time). It was
/// BouncyCastle's managed ladder, about ten times slower; session setup runs seven of these.
/// </summary>
internal static class X25519
{
    public const int KeyLength = 32;

    /// <summary>32 random bytes from the OS CSPRNG, clamped as libsignal does when generating.</summary>
    public static byte[] GeneratePrivateKey()
    {
        var k = RandomNumberGenerator.GetBytes(KeyLength);
        Clamp(k);
        return k;
    }

    public static void Clamp(Span<byte> k)
    {
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
    }

    public static byte[] PublicFromPrivate(ReadOnlySpan<byte> privateKey)
    {
        RequireKeyLength(privateKey);
        Sodium.EnsureInitialized();
        var result = new byte[KeyLength];
        if (Sodium.crypto_scalarmult_curve25519_base(result, privateKey) != 0)
        {
            // Only a scalar that clamps to a multiple of the group order could get here; clamping rules it out.
            throw new InvalidKeyException("X25519 private key gives the point at infinity");
        }
        return result;
    }

    /// <summary>
    /// Raw scalar multiplication (RFC 7748 "X25519(k, u)"). Rejects an all-zero result, i.e. a
    /// small-order public key (RFC 7748 section 6.1 allows the check). libsignal does not check, but
    /// honest libsignal keys are never small-order, so this refuses only crafted keys.
    /// </summary>
    public static byte[] Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey)
    {
        RequireKeyLength(privateKey);
        RequireKeyLength(publicKey);
        Sodium.EnsureInitialized();
        var result = new byte[KeyLength];
        if (Sodium.crypto_scalarmult_curve25519(result, privateKey, publicKey) != 0)
        {
            throw new InvalidKeyException("X25519 agreement produced the all-zero value (small-order public key)");
        }
        return result;
    }

    // libsodium reads exactly 32 bytes through the pointers: a shorter span must never reach it.
    private static void RequireKeyLength(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
        {
            throw new InvalidKeyException($"an X25519 key is {KeyLength} bytes, not {key.Length}");
        }
    }
}
