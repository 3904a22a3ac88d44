using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Cloudy.Protocol.Crypto;

/// <summary>
/// The two symmetric constructions of sealed sender, as libsignal 0.72.1 uses them:
/// AES-256-CTR (zero IV) followed by HMAC-SHA256 truncated to 10 bytes (v1), and
/// AES-256-GCM-SIV with an all-zero nonce and no associated data (v2; RFC 8452, every key used once).
/// Both run on BouncyCastle's vetted implementations (.NET has neither CTR nor GCM-SIV).
/// </summary>
internal static class SealedSenderCiphers
{
    /// <summary>Bytes of HMAC-SHA256 kept after a v1 ciphertext.</summary>
    public const int TruncatedMacLength = 10;

    /// <summary>GCM-SIV's tag, appended to the ciphertext.</summary>
    public const int GcmSivTagLength = 16;

    private const int GcmSivNonceLength = 12;

    /// <summary>ciphertext ‖ HMAC-SHA256(macKey, ciphertext)[..10], ciphertext = AES-256-CTR(cipherKey, IV 0, plaintext).</summary>
    public static byte[] CtrHmacEncrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> cipherKey, ReadOnlySpan<byte> macKey)
    {
        var result = new byte[plaintext.Length + TruncatedMacLength];
        var ciphertext = result.AsSpan(0, plaintext.Length);
        AesCtr(cipherKey, plaintext, ciphertext);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(macKey, ciphertext, mac);
        mac[..TruncatedMacLength].CopyTo(result.AsSpan(plaintext.Length));
        return result;
    }

    /// <summary>Checks the truncated MAC in constant time, then decrypts; null if the input is shorter than the MAC or the MAC differs.</summary>
    public static byte[]? CtrHmacDecrypt(ReadOnlySpan<byte> input, ReadOnlySpan<byte> cipherKey, ReadOnlySpan<byte> macKey)
    {
        if (input.Length < TruncatedMacLength)
        {
            return null;
        }
        var ciphertext = input[..^TruncatedMacLength];
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(macKey, ciphertext, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..TruncatedMacLength], input[^TruncatedMacLength..]))
        {
            return null;
        }
        var plaintext = new byte[ciphertext.Length];
        AesCtr(cipherKey, ciphertext, plaintext);
        return plaintext;
    }

    /// <summary>AES-256-GCM-SIV(key, nonce 0, no AAD): ciphertext ‖ 16-byte tag.</summary>
    public static byte[] GcmSivEncrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext) =>
        GcmSiv(forEncryption: true, key, new byte[GcmSivNonceLength], [], plaintext)!;

    /// <summary>Inverse of <see cref="GcmSivEncrypt"/>; null if the tag does not verify.</summary>
    public static byte[]? GcmSivDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertextAndTag) =>
        ciphertextAndTag.Length < GcmSivTagLength ? null : GcmSiv(forEncryption: false, key, new byte[GcmSivNonceLength], [], ciphertextAndTag);

    /// <summary>AES-256-GCM-SIV with any nonce and associated data (RFC 8452); null on a failed decryption. Exposed for the RFC test vectors.</summary>
    internal static byte[]? GcmSiv(bool forEncryption, ReadOnlySpan<byte> key, byte[] nonce, byte[] associatedData, ReadOnlySpan<byte> input)
    {
        var cipher = new GcmSivBlockCipher();
        cipher.Init(forEncryption, new AeadParameters(new KeyParameter(key), GcmSivTagLength * 8, nonce, associatedData));
        var output = new byte[cipher.GetOutputSize(input.Length)];
        try
        {
            var written = cipher.ProcessBytes(input, output);
            written += cipher.DoFinal(output.AsSpan(written));
            return written == output.Length ? output : output[..written];
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
    }

    private static void AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, Span<byte> output)
    {
        // libsignal's Ctr32BE with a zero IV equals a 128-bit big-endian counter from zero for any
        // message shorter than 2^32 blocks (64 GiB), which is every sealed sender message.
        var cipher = new BufferedBlockCipher(new SicBlockCipher(AesUtilities.CreateEngine()));
        cipher.Init(true, new ParametersWithIV(new KeyParameter(key), new byte[16]));
        var written = cipher.ProcessBytes(input, output);
        cipher.DoFinal(output[written..]);
    }
}
