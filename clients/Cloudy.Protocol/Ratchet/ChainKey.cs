using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Ratchet;

/// <summary>A symmetric-ratchet chain key and its index (libsignal's ChainKey).</summary>
internal sealed record ChainKey(byte[] Key, uint Index)
{
    private static readonly byte[] MessageKeySeed = [0x01];
    private static readonly byte[] ChainKeySeed = [0x02];

    /// <summary>HMAC(key, 0x02), index + 1.</summary>
    public ChainKey Next() => new(Primitives.HmacSha256(Key, ChainKeySeed), Index + 1);

    /// <summary>HMAC(key, 0x01): the seed from which this index's message keys are derived.</summary>
    public byte[] MessageKeySeedBytes() => Primitives.HmacSha256(Key, MessageKeySeed);

    public MessageKeys MessageKeys() => Ratchet.MessageKeys.Derive(MessageKeySeedBytes(), Index);
}

/// <summary>Per-message keys: AES-256 key, HMAC-SHA256 key, CBC IV.</summary>
internal sealed record MessageKeys(byte[] CipherKey, byte[] MacKey, byte[] Iv, uint Counter)
{
    private static readonly byte[] Info = "WhisperMessageKeys"u8.ToArray();

    /// <summary>HKDF(seed, no salt, "WhisperMessageKeys", 80) = cipher key 32 || MAC key 32 || IV 16.</summary>
    public static MessageKeys Derive(byte[] seed, uint counter)
    {
        var okm = Primitives.Hkdf(seed, [], Info, 80);
        return new MessageKeys(okm[..32], okm[32..64], okm[64..80], counter);
    }
}

/// <summary>The root key of the Diffie-Hellman ratchet.</summary>
internal static class RootKey
{
    private static readonly byte[] Info = "WhisperRatchet"u8.ToArray();

    /// <summary>HKDF(DH(ours, theirs), salt = root key, "WhisperRatchet", 64) = new root key || new chain key.</summary>
    public static (byte[] RootKey, ChainKey ChainKey) CreateChain(byte[] rootKey, Keys.ECPublicKey theirRatchetKey, Keys.ECPrivateKey ourRatchetKey)
    {
        var shared = ourRatchetKey.CalculateAgreement(theirRatchetKey);
        var okm = Primitives.Hkdf(shared, rootKey, Info, 64);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(shared);
        return (okm[..32], new ChainKey(okm[32..64], 0));
    }
}
