using System.Security.Cryptography;
using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Keys;

/// <summary>A Curve25519 public key; serialized as libsignal does: type byte 0x05 followed by 32 bytes.</summary>
public sealed class ECPublicKey : IEquatable<ECPublicKey>
{
    /// <summary>libsignal's "DJB" key type byte.</summary>
    public const byte DjbType = 0x05;

    /// <summary>Length of <see cref="Serialize"/>'s output.</summary>
    public const int SerializedLength = 33;

    private readonly byte[] _key;

    internal ECPublicKey(byte[] key)
    {
        if (key.Length != X25519.KeyLength)
        {
            throw new InvalidKeyException("a Curve25519 public key is 32 bytes");
        }
        _key = key;
    }

    /// <summary>The raw 32-byte Montgomery u-coordinate.</summary>
    public ReadOnlySpan<byte> PublicKeyBytes => _key;

    /// <summary>Parses the 33-byte form (0x05 || key). Strict: trailing bytes are rejected.</summary>
    public static ECPublicKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length == 0)
        {
            throw new InvalidKeyException("empty public key");
        }
        if (serialized[0] != DjbType)
        {
            throw new InvalidKeyException($"unknown public key type 0x{serialized[0]:x2}");
        }
        if (serialized.Length != SerializedLength)
        {
            throw new InvalidKeyException($"bad public key length {serialized.Length}");
        }
        return new ECPublicKey(serialized[1..].ToArray());
    }

    /// <summary>0x05 || 32-byte key.</summary>
    public byte[] Serialize()
    {
        var result = new byte[SerializedLength];
        result[0] = DjbType;
        _key.CopyTo(result, 1);
        return result;
    }

    /// <summary>Verifies an XEdDSA signature made by the matching private key.</summary>
    public bool VerifySignature(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => XEdDsa.Verify(_key, message, signature);

    /// <inheritdoc />
    public bool Equals(ECPublicKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(_key, other._key);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ECPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_key, 0);
}
