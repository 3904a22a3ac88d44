using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Keys;

/// <summary>A Curve25519 private key (32 bytes, clamped), used for X25519 agreement and XEdDSA signing.</summary>
public sealed class ECPrivateKey
{
    /// <summary>Length of the serialized key.</summary>
    public const int SerializedLength = 32;

    private readonly byte[] _key;
    private ECPublicKey? _publicKey;

    internal ECPrivateKey(byte[] key)
    {
        if (key.Length != SerializedLength)
        {
            throw new InvalidKeyException("a Curve25519 private key is 32 bytes");
        }
        X25519.Clamp(key);
        _key = key;
    }

    /// <summary>Parses 32 raw bytes (clamping them, as libsignal does).</summary>
    public static ECPrivateKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != SerializedLength)
        {
            throw new InvalidKeyException($"bad private key length {serialized.Length}");
        }
        return new ECPrivateKey(serialized.ToArray());
    }

    /// <summary>The raw 32 bytes. Treat as secret.</summary>
    public byte[] Serialize() => (byte[])_key.Clone();

    /// <summary>The key itself, for encoders that copy it straight into a (cleared) buffer instead of a loose array.</summary>
    internal ReadOnlySpan<byte> KeyBytes => _key;

    /// <summary>The public key, derived on first use and then cached (a scalar multiplication).</summary>
    /// <remarks>A race between two first readers only computes the same immutable key twice.</remarks>
    public ECPublicKey PublicKey => _publicKey ??= new ECPublicKey(X25519.PublicFromPrivate(_key));

    /// <summary>X25519 with the other party's public key.</summary>
    public byte[] CalculateAgreement(ECPublicKey theirs) => X25519.Agree(_key, theirs.PublicKeyBytes);

    /// <summary>XEdDSA signature (64 bytes, randomized) over <paramref name="message"/>.</summary>
    public byte[] CalculateSignature(ReadOnlySpan<byte> message) => XEdDsa.Sign(_key, message);
}
