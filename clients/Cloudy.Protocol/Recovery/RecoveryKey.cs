using System.Security.Cryptography;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.Recovery;

/// <summary>
/// A recovery key: 256 bits from the OS CSPRNG, shown to the user once as 24 BIP-39 words and
/// never chosen by the user. The identity key pair is derived from it deterministically, so the
/// words alone restore the identity on a new device. Dispose to zero the secret.
/// </summary>
public sealed class RecoveryKey : IDisposable
{
    /// <summary>Secret size: 256 bits.</summary>
    public const int EntropyLength = 32;

    /// <summary>Words in a recovery key: 256 bits + 8 checksum bits = 24 × 11.</summary>
    public const int WordCount = 24;

    /// <summary>Length of an X25519 private key.</summary>
    public const int PrivateKeyLength = 32;

    // Domain separation: each purpose gets its own HKDF info string, versioned so a future
    // derivation change cannot collide with keys derived today.
    private static readonly byte[] s_identityKeyInfo = System.Text.Encoding.ASCII.GetBytes("Cloudy recovery key v1: identity key pair (X25519)");
    private static readonly byte[] s_salt = System.Text.Encoding.ASCII.GetBytes("Cloudy.Protocol.Recovery");

    private readonly byte[] _entropy;
    private bool _disposed;

    private RecoveryKey(byte[] entropy) => _entropy = entropy;

    /// <summary>Generates a new recovery key from the OS CSPRNG.</summary>
    public static RecoveryKey Generate() => new(RandomNumberGenerator.GetBytes(EntropyLength));

    /// <summary>Wraps existing entropy (copied), e.g. one restored from secure storage.</summary>
    public static RecoveryKey FromEntropy(ReadOnlySpan<byte> entropy)
    {
        if (entropy.Length != EntropyLength)
        {
            throw new ArgumentException("A recovery key is exactly 32 bytes.", nameof(entropy));
        }

        return new RecoveryKey(entropy.ToArray());
    }

    /// <summary>Parses the 24 words a user typed (any whitespace, any case).</summary>
    /// <exception cref="RecoveryKeyFormatException">Not 24 words, an unknown word, or a bad checksum.</exception>
    public static RecoveryKey Parse(string words)
    {
        var list = Bip39Mnemonic.SplitWords(words);
        if (list.Length != WordCount)
        {
            throw new RecoveryKeyFormatException(RecoveryKeyError.WordCount, $"A recovery key has exactly {WordCount} words.");
        }

        return new RecoveryKey(Bip39Mnemonic.Decode(list));
    }

    /// <summary>The 24 words, in order.</summary>
    public string[] ToWords()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Bip39Mnemonic.Encode(_entropy);
    }

    /// <summary>The 24 words separated by single spaces.</summary>
    public string ToMnemonic() => string.Join(' ', ToWords());

    /// <summary>Copies the raw 256-bit secret (for callers that keep it in a platform key store).</summary>
    public void CopyEntropyTo(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _entropy.CopyTo(destination);
    }

    /// <summary>
    /// Derives the identity private key: HKDF-SHA256(ikm = secret, salt = "Cloudy.Protocol.Recovery",
    /// info = "Cloudy recovery key v1: identity key pair (X25519)"), clamped as X25519 requires.
    /// Same words, same key on every device.
    /// </summary>
    public void DeriveIdentityPrivateKey(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length != PrivateKeyLength)
        {
            throw new ArgumentException("Destination must be 32 bytes.", nameof(destination));
        }

        HKDF.DeriveKey(HashAlgorithmName.SHA256, _entropy, destination, s_salt, s_identityKeyInfo);

        // RFC 7748 clamping: libsignal clamps at use, but storing the clamped scalar makes every
        // consumer (ours, libsignal's deserializer, XEdDSA) see the same value.
        X25519.Clamp(destination);
    }

    /// <summary>Derives the identity key pair (see <see cref="DeriveIdentityPrivateKey"/>).</summary>
    public IdentityKeyPair DeriveIdentityKeyPair()
    {
        Span<byte> raw = stackalloc byte[PrivateKeyLength];
        try
        {
            DeriveIdentityPrivateKey(raw);
            var privateKey = ECPrivateKey.Deserialize(raw);
            return new IdentityKeyPair(new IdentityKey(privateKey.PublicKey), privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Does not reveal the secret.</summary>
    public override string ToString() => "RecoveryKey(…)";

    /// <summary>Zeroes the secret.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_entropy);
            _disposed = true;
        }
    }
}
