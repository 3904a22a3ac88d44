namespace Cloudy.Protocol.Keys;

/// <summary>A long-term identity public key (a Curve25519 key; serialized as 33 bytes).</summary>
public sealed class IdentityKey : IEquatable<IdentityKey>
{
    /// <summary>Wraps a public key.</summary>
    public IdentityKey(ECPublicKey publicKey) => PublicKey = publicKey;

    /// <summary>The underlying Curve25519 key.</summary>
    public ECPublicKey PublicKey { get; }

    /// <summary>Parses the 33-byte serialized form.</summary>
    public static IdentityKey Deserialize(ReadOnlySpan<byte> serialized) => new(ECPublicKey.Deserialize(serialized));

    /// <summary>0x05 || 32 bytes.</summary>
    public byte[] Serialize() => PublicKey.Serialize();

    /// <inheritdoc />
    public bool Equals(IdentityKey? other) => other is not null && PublicKey.Equals(other.PublicKey);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as IdentityKey);

    /// <inheritdoc />
    public override int GetHashCode() => PublicKey.GetHashCode();
}
