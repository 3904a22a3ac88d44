using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Cloudy.Protocol.Recovery;

/// <summary>
/// The BIP-39 English word list (2048 words), shipped as an embedded resource and checked against
/// the SHA-256 published with BIP-39 before use, so a corrupted or altered list cannot silently
/// produce recovery keys nobody else can read.
/// </summary>
public static class Bip39Wordlist
{
    /// <summary>SHA-256 of the canonical <c>english.txt</c> (2048 lines, LF endings).</summary>
    public const string ExpectedSha256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda";

    /// <summary>Number of words (11 bits each).</summary>
    public const int Count = 2048;

    internal const string ResourceName = "Cloudy.Protocol.Recovery.bip39-english.txt";

    private static readonly Lazy<(string[] Words, FrozenDictionary<string, int> Index)> s_list = new(Load);

    /// <summary>The words in BIP-39 order.</summary>
    public static IReadOnlyList<string> Words => s_list.Value.Words;

    /// <summary>Finds the 11-bit index of a word (exact, lower-case match).</summary>
    public static bool TryGetIndex(string word, out int index) => s_list.Value.Index.TryGetValue(word, out index);

    /// <summary>Computes the SHA-256 of the embedded resource as lower-case hex.</summary>
    public static string ComputeResourceSha256() => Convert.ToHexStringLower(SHA256.HashData(ReadResource()));

    private static (string[] Words, FrozenDictionary<string, int> Index) Load()
    {
        var bytes = ReadResource();
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != ExpectedSha256)
        {
            throw new InvalidOperationException($"Embedded BIP-39 word list is corrupt (SHA-256 {actual}).");
        }

        var words = System.Text.Encoding.ASCII.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != Count)
        {
            throw new InvalidOperationException("Embedded BIP-39 word list does not have 2048 words.");
        }

        var index = words.Select((w, i) => KeyValuePair.Create(w, i)).ToFrozenDictionary(StringComparer.Ordinal);
        return (words, index);
    }

    private static byte[] ReadResource()
    {
        using var stream = typeof(Bip39Wordlist).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
