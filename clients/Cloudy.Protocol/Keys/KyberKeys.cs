using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Keys;

/// <summary>KEM key types as libsignal numbers them.</summary>
public static class KemKeyType
{
    /// <summary>Kyber1024 (round 3) — what libsignal 0.72 uses for PQXDH.</summary>
    public const byte Kyber1024 = 0x08;
}

/// <summary>A Kyber1024 public key; serialized as 0x08 || 1568 bytes.</summary>
public sealed class KyberPublicKey
{
    private readonly byte[] _key;

    internal KyberPublicKey(byte[] key) => _key = key;

    /// <summary>Parses 0x08 || 1568 bytes.</summary>
    public static KyberPublicKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length == 0 || serialized[0] != KemKeyType.Kyber1024)
        {
            throw new InvalidKeyException("unknown KEM key type");
        }
        if (serialized.Length != 1 + Kyber1024.PublicKeyLength)
        {
            throw new InvalidKeyException("bad Kyber1024 public key length");
        }
        return new KyberPublicKey(serialized[1..].ToArray());
    }

    /// <summary>0x08 || key.</summary>
    public byte[] Serialize() => [KemKeyType.Kyber1024, .. _key];

    /// <summary>Encapsulates a fresh secret to this key: (shared secret, serialized ciphertext 0x08 || 1568 bytes).</summary>
    public (byte[] SharedSecret, byte[] SerializedCiphertext) Encapsulate()
    {
        var (secret, ct) = Kyber1024.Encapsulate(_key);
        return (secret, [KemKeyType.Kyber1024, .. ct]);
    }
}

/// <summary>A Kyber1024 secret key; serialized as 0x08 || 3168 bytes.</summary>
public sealed class KyberSecretKey
{
    private readonly byte[] _key;

    internal KyberSecretKey(byte[] key) => _key = key;

    /// <summary>Parses 0x08 || 3168 bytes.</summary>
    public static KyberSecretKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != 1 + Kyber1024.SecretKeyLength || serialized[0] != KemKeyType.Kyber1024)
        {
            throw new InvalidKeyException("bad Kyber1024 secret key");
        }
        return new KyberSecretKey(serialized[1..].ToArray());
    }

    /// <summary>0x08 || key. Treat as secret.</summary>
    public byte[] Serialize() => [KemKeyType.Kyber1024, .. _key];

    /// <summary>Decapsulates a serialized ciphertext (0x08 || 1568 bytes).</summary>
    public byte[] Decapsulate(ReadOnlySpan<byte> serializedCiphertext)
    {
        if (serializedCiphertext.Length != 1 + Kyber1024.CiphertextLength || serializedCiphertext[0] != KemKeyType.Kyber1024)
        {
            throw new InvalidMessageException("bad Kyber1024 ciphertext");
        }
        return Kyber1024.Decapsulate(_key, serializedCiphertext[1..].ToArray());
    }
}

/// <summary>A Kyber1024 key pair.</summary>
public sealed record KyberKeyPair(KyberPublicKey PublicKey, KyberSecretKey SecretKey)
{
    /// <summary>Fresh key pair from the OS CSPRNG.</summary>
    public static KyberKeyPair Generate()
    {
        var (pub, sec) = Kyber1024.Generate();
        return new KyberKeyPair(new KyberPublicKey(pub), new KyberSecretKey(sec));
    }
}
