using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.State;

/// <summary>
/// What signed prekeys of both kinds (Curve25519 and Kyber) share: id, creation time, key pair and
/// the identity key's XEdDSA signature over the serialized public key. Serialized, as in libsignal,
/// as <c>SignedPreKeyRecordStructure { 1: id, 2: public, 3: private, 4: signature, 5: fixed64 timestamp }</c>.
/// </summary>
/// <typeparam name="TKeyPair">The key pair type.</typeparam>
public abstract class SignedRecord<TKeyPair>
    where TKeyPair : class
{
    /// <summary>Creates a record.</summary>
    protected SignedRecord(uint id, ulong timestamp, TKeyPair keyPair, byte[] signature)
    {
        Id = id;
        Timestamp = timestamp;
        KeyPair = keyPair;
        Signature = signature;
    }

    /// <summary>Prekey id.</summary>
    public uint Id { get; }

    /// <summary>Creation time, milliseconds since the Unix epoch.</summary>
    public ulong Timestamp { get; }

    /// <summary>The key pair.</summary>
    public TKeyPair KeyPair { get; }

    /// <summary>XEdDSA signature by the identity key over the serialized public key.</summary>
    public byte[] Signature { get; }

    /// <summary>The libsignal-compatible protobuf encoding.</summary>
    public byte[] Serialize() => RecordCodec.EncodeSigned(Id, SerializePublicKey(), SerializePrivateKey(), Signature, Timestamp);

    /// <summary>The serialized public key (what the signature covers).</summary>
    protected abstract byte[] SerializePublicKey();

    /// <summary>The serialized private key.</summary>
    protected abstract byte[] SerializePrivateKey();

    /// <summary>Signs <paramref name="serializedPublicKey"/> and returns (timestamp ms, signature).</summary>
    protected static (ulong Timestamp, byte[] Signature) SignNew(IdentityKeyPair identity, byte[] serializedPublicKey, DateTimeOffset? now) =>
        ((ulong)(now ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(), identity.Sign(serializedPublicKey));
}
