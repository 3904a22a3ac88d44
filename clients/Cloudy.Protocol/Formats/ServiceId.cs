namespace Cloudy.Formats;

/// <summary>The namespace a <see cref="ServiceId"/>'s UUID lives in (libsignal's <c>ServiceIdKind</c>; the byte is on the wire).</summary>
public enum ServiceIdKind : byte
{
    /// <summary>Account identifier.</summary>
    Aci = 0,

    /// <summary>Phone-number identifier.</summary>
    Pni = 1,
}

/// <summary>
/// A recipient as sealed sender v2 names it: a kind and a 16-byte UUID. On the wire it is the
/// 17-byte "fixed-width binary" form (kind byte ‖ UUID bytes, big-endian as written); as text it is
/// the lowercase hyphenated UUID for an ACI and <c>PNI:</c> followed by it for a PNI.
/// </summary>
/// <remarks>
/// A Cloudy account id is 16 random bytes, so it maps one to one onto an ACI's UUID bytes
/// (<see cref="Aci(ReadOnlySpan{byte})"/>, <see cref="UuidBytes"/>).
/// </remarks>
public readonly record struct ServiceId
{
    /// <summary>Length of <see cref="ToFixedWidthBinary"/>.</summary>
    public const int FixedWidthBinaryLength = 17;

    /// <summary>Length of the UUID.</summary>
    public const int UuidLength = 16;

    private const string PniPrefix = "PNI:";

    private readonly UInt128 _uuid;

    private ServiceId(ServiceIdKind kind, UInt128 uuid)
    {
        Kind = kind;
        _uuid = uuid;
    }

    /// <summary>ACI or PNI.</summary>
    public ServiceIdKind Kind { get; }

    /// <summary>The 16 UUID bytes, in wire order.</summary>
    public byte[] UuidBytes
    {
        get
        {
            var bytes = new byte[UuidLength];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, _uuid);
            return bytes;
        }
    }

    /// <summary>An ACI from its 16 UUID bytes.</summary>
    public static ServiceId Aci(ReadOnlySpan<byte> uuid) => Create(ServiceIdKind.Aci, uuid);

    /// <summary>A PNI from its 16 UUID bytes.</summary>
    public static ServiceId Pni(ReadOnlySpan<byte> uuid) => Create(ServiceIdKind.Pni, uuid);

    /// <summary>A service id of <paramref name="kind"/> from a <see cref="Guid"/> (its RFC 4122 big-endian bytes).</summary>
    public static ServiceId FromGuid(ServiceIdKind kind, Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[UuidLength];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return Create(kind, bytes);
    }

    /// <summary>The UUID as a <see cref="Guid"/>.</summary>
    public Guid ToGuid() => new(UuidBytes, bigEndian: true);

    /// <summary>Kind byte ‖ 16 UUID bytes.</summary>
    public byte[] ToFixedWidthBinary()
    {
        var bytes = new byte[FixedWidthBinaryLength];
        WriteFixedWidthBinary(bytes);
        return bytes;
    }

    /// <summary>Writes the 17-byte fixed-width binary form into <paramref name="destination"/>.</summary>
    public void WriteFixedWidthBinary(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(destination.Slice(1, UuidLength), _uuid);
    }

    /// <summary>Parses the 17-byte fixed-width binary form; false for a wrong length or an unknown kind byte.</summary>
    public static bool TryParseFixedWidthBinary(ReadOnlySpan<byte> bytes, out ServiceId serviceId)
    {
        serviceId = default;
        if (bytes.Length != FixedWidthBinaryLength || bytes[0] > (byte)ServiceIdKind.Pni)
        {
            return false;
        }
        serviceId = Create((ServiceIdKind)bytes[0], bytes[1..]);
        return true;
    }

    /// <summary>
    /// Parses the text form as libsignal does: a hyphenated UUID (hex digits in either case) is an
    /// ACI; <c>PNI:</c> (exactly so) followed by one is a PNI. Nothing else is accepted.
    /// </summary>
    public static bool TryParse(string? text, out ServiceId serviceId)
    {
        serviceId = default;
        if (text is null)
        {
            return false;
        }
        var kind = ServiceIdKind.Aci;
        var uuidText = text.AsSpan();
        if (text.StartsWith(PniPrefix, StringComparison.Ordinal))
        {
            kind = ServiceIdKind.Pni;
            uuidText = uuidText[PniPrefix.Length..];
        }
        if (!Guid.TryParseExact(uuidText, "D", out var uuid))
        {
            return false;
        }
        serviceId = FromGuid(kind, uuid);
        return true;
    }

    /// <summary>Parses the text form; see <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Not a service id string.</exception>
    public static ServiceId Parse(string text) =>
        TryParse(text, out var serviceId) ? serviceId : throw new FormatException("not a service id string (UUID or PNI:UUID)");

    /// <summary>The text form: lowercase hyphenated UUID, prefixed with <c>PNI:</c> for a PNI.</summary>
    public override string ToString()
    {
        var uuid = ToGuid().ToString("D");
        return Kind == ServiceIdKind.Pni ? PniPrefix + uuid : uuid;
    }

    private static ServiceId Create(ServiceIdKind kind, ReadOnlySpan<byte> uuid)
    {
        if (uuid.Length != UuidLength)
        {
            throw new ArgumentException($"a service id's UUID is {UuidLength} bytes", nameof(uuid));
        }
        if (kind is not (ServiceIdKind.Aci or ServiceIdKind.Pni))
        {
            throw new ArgumentOutOfRangeException(nameof(kind));
        }
        return new ServiceId(kind, System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(uuid));
    }
}
