using System.Security.Cryptography;

namespace Cloudy.Delivery.Domain;

/// <summary>
/// Server envelope ids: 26 characters of Crockford base32 over 48 bits of milliseconds and 80 random bits
/// from the OS CSPRNG (ULID layout), so ids sort roughly by time and cannot be guessed.
/// </summary>
public static class EnvelopeId
{
    /// <summary>Length of an id.</summary>
    public const int Length = 26;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new id for <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)ms;
            ms >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        // 128 bits as 26 five-bit groups, most significant first (the top group holds 3 bits).
        var value = new UInt128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return string.Create(Length, value, static (chars, v) =>
        {
            for (var i = Length - 1; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }

    /// <summary>True when <paramref name="id"/> has the shape of an envelope id (checked before it reaches the store).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: Length } && id[0] <= '7' && id.AsSpan().IndexOfAnyExcept(Alphabet) < 0;
}
