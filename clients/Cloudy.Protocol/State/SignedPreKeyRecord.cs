using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.State;

/// <summary>A signed Curve25519 prekey. Serializes as libsignal's <c>SignedPreKeyRecordStructure</c>.</summary>
public sealed class SignedPreKeyRecord : SignedRecord<ECKeyPair>
{
    /// <summary>Creates a record.</summary>
    public SignedPreKeyRecord(uint id, ulong timestamp, ECKeyPair keyPair, byte[] signature) : base(id, timestamp, keyPair, signature)
    {
    }

    /// <summary>Generates a fresh signed prekey, signed by <paramref name="identity"/> over the 33-byte public key.</summary>
    public static SignedPreKeyRecord Generate(uint id, IdentityKeyPair identity, DateTimeOffset? now = null)
    {
        var pair = ECKeyPair.Generate();
        var (timestamp, signature) = SignNew(identity, pair.PublicKey.Serialize(), now);
        return new SignedPreKeyRecord(id, timestamp, pair, signature);
    }

    /// <summary>Parses <see cref="SignedRecord{T}.Serialize"/>'s output.</summary>
    public static SignedPreKeyRecord Deserialize(ReadOnlyMemory<byte> serialized) => RecordCodec.Decode(serialized, fields =>
        new SignedPreKeyRecord(
            ProtoReader.UInt32(fields, 1) ?? 0,
            ProtoReader.UInt64(fields, 5, wireType: 1) ?? 0,
            RecordCodec.KeyPair(fields, 2, 3),
            RecordCodec.RequiredBytes(fields, 4)));

    /// <inheritdoc />
    protected override byte[] SerializePublicKey() => KeyPair.PublicKey.Serialize();

    /// <inheritdoc />
    protected override byte[] SerializePrivateKey() => KeyPair.PrivateKey.Serialize();
}
