using System.Buffers.Binary;
using Cloudy.KeyDirectory.Domain;

namespace Cloudy.KeyDirectory.Storage;

/// <summary>
/// Binary store form of prekeys: one-time <c>id(4, big-endian) || public key</c>, signed
/// <c>id(4) || signature(64) || public key</c>. Public data only; compact because PQ keys are 1.5 KB.
/// </summary>
internal static class KeyCodec
{
    private const int IdLength = 4;
    private const int SignatureLength = KeyUploadParser.SignatureLength;

    public static byte[] Encode(OneTimeKey key)
    {
        var entry = new byte[IdLength + key.PublicKey.Length];
        BinaryPrimitives.WriteUInt32BigEndian(entry, key.Id);
        key.PublicKey.CopyTo(entry, IdLength);
        return entry;
    }

    public static byte[] Encode(SignedKey key)
    {
        var entry = new byte[IdLength + SignatureLength + key.PublicKey.Length];
        BinaryPrimitives.WriteUInt32BigEndian(entry, key.Id);
        key.Signature.CopyTo(entry, IdLength);
        key.PublicKey.CopyTo(entry, IdLength + SignatureLength);
        return entry;
    }

    public static OneTimeKey DecodeOneTime(ReadOnlySpan<byte> entry) =>
        entry.Length > IdLength
            ? new OneTimeKey(BinaryPrimitives.ReadUInt32BigEndian(entry), entry[IdLength..].ToArray())
            : throw new InvalidDataException("Truncated one-time prekey entry.");

    public static SignedKey DecodeSigned(ReadOnlySpan<byte> entry) =>
        entry.Length > IdLength + SignatureLength
            ? new SignedKey(
                BinaryPrimitives.ReadUInt32BigEndian(entry),
                entry[(IdLength + SignatureLength)..].ToArray(),
                entry.Slice(IdLength, SignatureLength).ToArray())
            : throw new InvalidDataException("Truncated signed prekey entry.");
}
