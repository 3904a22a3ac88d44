using System.Buffers.Text;
using System.Security.Cryptography;

namespace Cloudy.Identity.Domain;

/// <summary>
/// Random identifiers as unpadded base64url of OS-CSPRNG bytes. Parsing accepts only the canonical
/// encoding of exactly the expected length, so one value has exactly one spelling.
/// </summary>
public static class RandomIds
{
    /// <summary>Bytes in an account id (128 bits, 22 characters).</summary>
    public const int AccountIdBytes = 16;

    /// <summary>Bytes in a public-link handle (144 bits, 24 characters).</summary>
    public const int HandleBytes = 18;

    /// <summary>Bytes in a secret (link-code secret, login nonce).</summary>
    public const int SecretBytes = 32;

    /// <summary>A new random value of <paramref name="bytes"/> bytes, base64url.</summary>
    public static string New(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>A new account id.</summary>
    public static string NewAccountId() => New(AccountIdBytes);

    /// <summary>A new public-link handle.</summary>
    public static string NewHandle() => New(HandleBytes);

    /// <summary>True when <paramref name="value"/> is the canonical base64url of exactly <paramref name="bytes"/> bytes.</summary>
    public static bool IsValid(string? value, int bytes) => TryDecode(value, bytes, out _);

    /// <summary>Decodes the canonical base64url of exactly <paramref name="bytes"/> bytes.</summary>
    public static bool TryDecode(string? value, int bytes, out byte[] decoded)
    {
        decoded = [];
        if (value is null || value.Length != Base64Url.GetEncodedLength(bytes) || !Base64Url.IsValid(value))
        {
            return false;
        }

        var buffer = new byte[bytes];
        if (!Base64Url.TryDecodeFromChars(value, buffer, out var written) || written != bytes
            || !string.Equals(Base64Url.EncodeToString(buffer), value, StringComparison.Ordinal))
        {
            return false;
        }

        decoded = buffer;
        return true;
    }

    /// <summary>
    /// The store's name for a secret: base64url SHA-256. Secrets are looked up by digest, so the
    /// store never holds a usable code or nonce and no secret-dependent comparison happens.
    /// </summary>
    public static string Digest(ReadOnlySpan<byte> secret) => Base64Url.EncodeToString(SHA256.HashData(secret));
}
