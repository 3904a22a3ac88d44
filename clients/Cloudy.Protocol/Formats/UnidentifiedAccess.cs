using System.Security.Cryptography;

namespace Cloudy.Formats;

/// <summary>
/// Unidentified-access keys, as Signal derives and checks them: a sender proves it may send sealed
/// to an account by presenting the key derived from the account's profile key; the server keeps
/// only a checksum of it.
/// </summary>
public static class UnidentifiedAccess
{
    /// <summary>Length of a profile key.</summary>
    public const int ProfileKeyLength = 32;

    /// <summary>Length of an access key (the <c>Unidentified-Access-Key</c> header carries its base64).</summary>
    public const int AccessKeyLength = 16;

    /// <summary>Length of the checksum the server stores.</summary>
    public const int ChecksumLength = 32;

    private const int GcmNonceLength = 12;
    private const int GcmTagLength = 16;

    /// <summary>
    /// libsignal's <c>ProfileKey.deriveAccessKey()</c>: the first 16 bytes of AES-256-GCM under the
    /// profile key, with an all-zero nonce, over 16 zero bytes (the ciphertext, not the tag).
    /// </summary>
    /// <exception cref="ArgumentException">The profile key is not 32 bytes.</exception>
    public static byte[] DeriveAccessKey(ReadOnlySpan<byte> profileKey)
    {
        if (profileKey.Length != ProfileKeyLength)
        {
            throw new ArgumentException($"a profile key is {ProfileKeyLength} bytes", nameof(profileKey));
        }
        using var aes = new AesGcm(profileKey, GcmTagLength);
        Span<byte> nonce = stackalloc byte[GcmNonceLength];
        Span<byte> zeros = stackalloc byte[AccessKeyLength];
        Span<byte> tag = stackalloc byte[GcmTagLength];
        nonce.Clear();
        zeros.Clear();
        var accessKey = new byte[AccessKeyLength];
        aes.Encrypt(nonce, zeros, accessKey, tag);
        return accessKey;
    }

    /// <summary>What the server stores for an account: HMAC-SHA256 keyed with the access key over 32 zero bytes (Signal-Server's checksum).</summary>
    /// <exception cref="ArgumentException">The access key is not 16 bytes.</exception>
    public static byte[] ComputeChecksum(ReadOnlySpan<byte> accessKey)
    {
        if (accessKey.Length != AccessKeyLength)
        {
            throw new ArgumentException($"an access key is {AccessKeyLength} bytes", nameof(accessKey));
        }
        Span<byte> zeros = stackalloc byte[ChecksumLength];
        zeros.Clear();
        return HMACSHA256.HashData(accessKey, zeros);
    }

    /// <summary>
    /// Whether <paramref name="presentedAccessKey"/> matches <paramref name="storedChecksum"/>,
    /// compared in constant time. A presented key of the wrong length (or a stored checksum of the
    /// wrong length) is simply no match, so callers answer it as they answer a wrong key.
    /// </summary>
    public static bool VerifyChecksum(ReadOnlySpan<byte> presentedAccessKey, ReadOnlySpan<byte> storedChecksum)
    {
        if (presentedAccessKey.Length != AccessKeyLength || storedChecksum.Length != ChecksumLength)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(ComputeChecksum(presentedAccessKey), storedChecksum);
    }
}
