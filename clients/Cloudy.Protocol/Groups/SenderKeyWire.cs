using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.Groups;

/// <summary>What the two sender-key wire messages share: the version byte and the distribution id's encoding.</summary>
internal static class SenderKeyWire
{
    /// <summary>The only sender-key message version libsignal speaks (0.72.1 and since).</summary>
    public const byte CurrentVersion = 3;

    /// <summary><c>(version &lt;&lt; 4) | 3</c>: 0x33 for every message we create.</summary>
    public static byte VersionByte(byte version) => (byte)(((version & 0xF) << 4) | CurrentVersion);

    /// <summary>
    /// Version = high nibble of the first byte (the low nibble is not checked, as in libsignal).
    /// Older versions are legacy, newer ones unknown; both are refused.
    /// </summary>
    public static byte CheckVersion(byte versionByte)
    {
        var version = (byte)(versionByte >> 4);
        return version switch
        {
            < CurrentVersion => throw new InvalidVersionException($"legacy sender-key message version {version}"),
            > CurrentVersion => throw new InvalidVersionException($"unrecognized sender-key message version {version}"),
            _ => version,
        };
    }

    /// <summary>A UUID on the wire is its 16 bytes in RFC 4122 (big-endian) order, as libsignal's <c>Uuid::as_bytes</c>.</summary>
    public static byte[] UuidBytes(Guid id) => id.ToByteArray(bigEndian: true);

    /// <summary>Required, exactly 16 bytes (libsignal's <c>Uuid::from_slice</c>).</summary>
    public static Guid ReadUuid(List<ProtoField> fields, int number)
    {
        var bytes = ProtoReader.Bytes(fields, number) ?? throw new FormatException("missing distribution id");
        return bytes.Length == 16 ? new Guid(bytes.Span, bigEndian: true) : throw new FormatException("distribution id is not 16 bytes");
    }

    /// <summary>A proto2 <c>optional</c> field that libsignal requires.</summary>
    public static uint RequiredUInt32(List<ProtoField> fields, int number, string name) =>
        ProtoReader.UInt32(fields, number) ?? throw new FormatException($"missing {name}");

    public static ReadOnlyMemory<byte> RequiredBytes(List<ProtoField> fields, int number, string name) =>
        ProtoReader.Bytes(fields, number) ?? throw new FormatException($"missing {name}");
}
