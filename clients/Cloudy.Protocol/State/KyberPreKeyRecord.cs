using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.State;

/// <summary>
/// A signed post-quantum (Kyber1024) prekey, one-time or last-resort. Serializes, as libsignal does,
/// with the <c>SignedPreKeyRecordStructure</c> layout holding the 0x08-prefixed KEM keys.
/// </summary>
public sealed class KyberPreKeyRecord : SignedRecord<KyberKeyPair>
{
    /// <summary>Creates a record.</summary>
    public KyberPreKeyRecord(uint id, ulong timestamp, KyberKeyPair keyPair, byte[] signature) : base(id, timestamp, keyPair, signature)
    {
    }

    /// <summary>Generates a fresh Kyber1024 prekey, signed by <paramref name="identity"/> over the serialized public key (0x08 || key).</summary>
    public static KyberPreKeyRecord Generate(uint id, IdentityKeyPair identity, DateTimeOffset? now = null)
    {
        var pair = KyberKeyPair.Generate();
        var (timestamp, signature) = SignNew(identity, pair.PublicKey.Serialize(), now);
        return new KyberPreKeyRecord(id, timestamp, pair, signature);
    }

    /// <summary>Parses <see cref="SignedRecord{T}.Serialize"/>'s output.</summary>
    public static KyberPreKeyRecord Deserialize(ReadOnlyMemory<byte> serialized) => RecordCodec.Decode(serialized, fields =>
        new KyberPreKeyRecord(
            ProtoReader.UInt32(fields, 1) ?? 0,
            ProtoReader.UInt64(fields, 5, wireType: 1) ?? 0,
            new KyberKeyPair(
                KyberPublicKey.Deserialize(RecordCodec.RequiredBytes(fields, 2)),
                KyberSecretKey.Deserialize(RecordCodec.RequiredBytes(fields, 3))),
            RecordCodec.RequiredBytes(fields, 4)));

    /// <inheritdoc />
    protected override byte[] SerializePublicKey() => KeyPair.PublicKey.Serialize();

    /// <inheritdoc />
    protected override byte[] SerializePrivateKey() => KeyPair.SecretKey.Serialize();
}
