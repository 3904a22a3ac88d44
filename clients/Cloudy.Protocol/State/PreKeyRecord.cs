using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.State;

/// <summary>A one-time Curve25519 prekey. Serializes as libsignal's <c>PreKeyRecordStructure</c>.</summary>
public sealed class PreKeyRecord
{
    /// <summary>Creates a record.</summary>
    public PreKeyRecord(uint id, ECKeyPair keyPair)
    {
        Id = id;
        KeyPair = keyPair;
    }

    /// <summary>Prekey id.</summary>
    public uint Id { get; }

    /// <summary>The key pair.</summary>
    public ECKeyPair KeyPair { get; }

    /// <summary>Generates a fresh prekey.</summary>
    public static PreKeyRecord Generate(uint id) => new(id, ECKeyPair.Generate());

    /// <summary>protobuf { 1: id, 2: public key, 3: private key }.</summary>
    public byte[] Serialize() => new ProtoWriter()
        .WriteUInt32IfNotZero(1, Id)
        .WriteBytes(2, KeyPair.PublicKey.Serialize())
        .WriteBytes(3, KeyPair.PrivateKey.Serialize())
        .ToArray();

    /// <summary>Parses <see cref="Serialize"/>'s output.</summary>
    public static PreKeyRecord Deserialize(ReadOnlyMemory<byte> serialized) => RecordCodec.Decode(serialized, fields =>
        new PreKeyRecord(
            ProtoReader.UInt32(fields, 1) ?? 0,
            RecordCodec.KeyPair(fields, 2, 3)));
}
