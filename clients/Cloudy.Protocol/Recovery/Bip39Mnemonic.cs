using System.Security.Cryptography;

namespace Cloudy.Protocol.Recovery;

/// <summary>
/// BIP-39 mnemonic encoding of entropy (not the BIP-39 seed derivation, which Cloudy does not use):
/// entropy || first (bits/32) bits of SHA-256(entropy), read as 11-bit word indices.
/// </summary>
public static class Bip39Mnemonic
{
    private const int BitsPerWord = 11;

    /// <summary>Encodes 16, 20, 24, 28 or 32 bytes of entropy as 12..24 words.</summary>
    public static string[] Encode(ReadOnlySpan<byte> entropy)
    {
        if (entropy.Length is < 16 or > 32 || entropy.Length % 4 != 0)
        {
            throw new ArgumentException("Entropy must be 16, 20, 24, 28 or 32 bytes.", nameof(entropy));
        }

        var checksumBits = entropy.Length * 8 / 32;
        var wordCount = ((entropy.Length * 8) + checksumBits) / BitsPerWord;

        // entropy followed by its SHA-256: the checksum bits are the leading bits of the hash.
        Span<byte> bits = stackalloc byte[entropy.Length + SHA256.HashSizeInBytes];
        try
        {
            entropy.CopyTo(bits);
            SHA256.HashData(entropy, bits[entropy.Length..]);

            var words = new string[wordCount];
            for (var i = 0; i < wordCount; i++)
            {
                words[i] = Bip39Wordlist.Words[ReadBits(bits, i * BitsPerWord, BitsPerWord)];
            }

            return words;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bits);
        }
    }

    /// <summary>Decodes 12, 15, 18, 21 or 24 words back to their entropy, verifying the checksum.</summary>
    /// <exception cref="RecoveryKeyFormatException">Wrong count, unknown word or checksum mismatch.</exception>
    public static byte[] Decode(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count is < 12 or > 24 || words.Count % 3 != 0)
        {
            throw new RecoveryKeyFormatException(RecoveryKeyError.WordCount, "A BIP-39 word list has 12, 15, 18, 21 or 24 words.");
        }

        var totalBits = words.Count * BitsPerWord;
        var checksumBits = totalBits / 33;
        var entropyBytes = (totalBits - checksumBits) / 8;

        // 24 words = 264 bits = 33 bytes.
        Span<byte> bits = stackalloc byte[33];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            bits.Clear();
            for (var i = 0; i < words.Count; i++)
            {
                if (!Bip39Wordlist.TryGetIndex(words[i], out var index))
                {
                    throw new RecoveryKeyFormatException(
                        RecoveryKeyError.UnknownWord, $"Word {i + 1} is not in the BIP-39 English word list.", i + 1);
                }

                WriteBits(bits, i * BitsPerWord, BitsPerWord, index);
            }

            var entropy = bits[..entropyBytes];
            SHA256.HashData(entropy, hash);

            // The checksum is at most 8 bits and starts on a byte boundary right after the entropy.
            var mask = (byte)(0xFF << (8 - checksumBits));
            Span<byte> expected = [(byte)(hash[0] & mask)];
            Span<byte> actual = [(byte)(bits[entropyBytes] & mask)];
            if (!CryptographicOperations.FixedTimeEquals(expected, actual))
            {
                throw new RecoveryKeyFormatException(RecoveryKeyError.Checksum, "The word list checksum does not match.");
            }

            return entropy.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bits);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>Splits user input on any whitespace and lower-cases it (ASCII word list).</summary>
    public static string[] SplitWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.ToLowerInvariant())
            .ToArray();
    }

    private static int ReadBits(ReadOnlySpan<byte> data, int bitOffset, int count)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            var bit = bitOffset + i;
            value = (value << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
        }

        return value;
    }

    private static void WriteBits(Span<byte> data, int bitOffset, int count, int value)
    {
        for (var i = 0; i < count; i++)
        {
            if (((value >> (count - 1 - i)) & 1) != 0)
            {
                var bit = bitOffset + i;
                data[bit >> 3] |= (byte)(0x80 >> (bit & 7));
            }
        }
    }
}
