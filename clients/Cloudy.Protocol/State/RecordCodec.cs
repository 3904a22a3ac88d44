using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.State;

/// <summary>Shared decoding helpers for stored records: any malformation becomes <see cref="InvalidRecordException"/>.</summary>
internal static class RecordCodec
{
    public static T Decode<T>(ReadOnlyMemory<byte> serialized, Func<List<ProtoField>, T> build)
    {
        try
        {
            return build(ProtoReader.Read(serialized));
        }
        catch (Exception e) when (e is FormatException or InvalidKeyException or OverflowException)
        {
            throw new InvalidRecordException("malformed record", e);
        }
    }

    public static byte[] RequiredBytes(List<ProtoField> fields, int number) =>
        (ProtoReader.Bytes(fields, number) ?? throw new FormatException($"missing field {number}")).ToArray();

    public static ECKeyPair KeyPair(List<ProtoField> fields, int publicField, int privateField)
    {
        var pub = ECPublicKey.Deserialize(RequiredBytes(fields, publicField));
        var priv = ECPrivateKey.Deserialize(RequiredBytes(fields, privateField));
        return new ECKeyPair(pub, priv);
    }

    public static byte[] EncodeSigned(uint id, byte[] publicKey, byte[] privateKey, byte[] signature, ulong timestamp) => new ProtoWriter()
        .WriteUInt32IfNotZero(1, id)
        .WriteBytes(2, publicKey)
        .WriteBytes(3, privateKey)
        .WriteBytes(4, signature)
        .WriteFixed64(5, timestamp)
        .ToArray();
}
