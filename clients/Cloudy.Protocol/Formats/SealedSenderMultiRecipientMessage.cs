namespace Cloudy.Formats;

/// <summary>
/// A sealed sender v2 "sent" message, as a client uploads it for many recipients, parsed the way
/// libsignal's <c>SealedSenderV2SentMessage</c> (Node: <c>SealedSenderMultiRecipientMessage</c>)
/// parses it — just enough to fan it out, without any key: the server learns who the recipients
/// are (it must route to them) but nothing about the sender or the content.
/// </summary>
/// <remarks>
/// Layout (no protobuf; integers big-endian, the count a protobuf-style varint):
/// <code>
/// version (0x23; 0x22 = the original form with 16-byte ACI UUIDs instead of 17-byte service ids)
/// count   varint: recipients plus excluded recipients
/// count × ( service id (17 bytes, or 16 for 0x22)
///           then either 0x00                     — an excluded recipient (no devices)
///           or devices: device id (1..127), u16 (bit 15: another device follows; bits 0-13: registration id)
///                       ... then C (32) ‖ AT (16) )
/// E.pub (32) ‖ AES-256-GCM-SIV ciphertext of the content — shared by every recipient
/// </code>
/// Each recipient receives the "received" form <c>0x22 ‖ C ‖ AT ‖ E.pub ‖ ciphertext</c>
/// (<see cref="MessageForRecipient"/>). As in libsignal, a service id listed twice with devices
/// both times has its device lists concatenated (the first occurrence's key material is used); listed
/// twice when either occurrence has no devices is an error, which also keeps excluded recipients
/// disjoint from the recipients. Stricter than libsignal in one place: the count must be a canonical
/// varint (libsignal mis-steps over an overlong encoding).
/// </remarks>
public sealed class SealedSenderMultiRecipientMessage
{
    /// <summary>The original sent version: recipients named by 16-byte ACI UUIDs.</summary>
    public const byte UuidVersion = 0x22;

    /// <summary>The sent version libsignal 0.72.1 writes: recipients named by 17-byte service ids.</summary>
    public const byte ServiceIdVersion = 0x23;

    /// <summary>The version byte of every received (per-recipient) message.</summary>
    public const byte ReceivedVersion = 0x22;

    /// <summary>Length of C, a recipient's encrypted message key.</summary>
    public const int MessageKeyLength = 32;

    /// <summary>Length of AT, a recipient's authentication tag.</summary>
    public const int AuthTagLength = 16;

    /// <summary>Length of E.pub, the raw 32-byte ephemeral Curve25519 key.</summary>
    public const int EphemeralKeyLength = 32;

    /// <summary>Largest device id the format allows.</summary>
    public const int MaxDeviceId = 127;

    /// <summary>Registration ids are 14 bits.</summary>
    public const int RegistrationIdMask = 0x3FFF;

    /// <summary>Bit 15 of a device's u16: another device of the same recipient follows.</summary>
    public const int HasMoreDevicesFlag = 0x8000;

    /// <summary>Bytes of per-recipient key material: C ‖ AT.</summary>
    public const int KeyMaterialLength = MessageKeyLength + AuthTagLength;

    // The smallest encoding of one recipient: a 16-byte UUID and the 0x00 "no devices" marker.
    private const int MinRecipientLength = 17;

    private readonly ReadOnlyMemory<byte> _message;
    private readonly Dictionary<ServiceId, SealedSenderRecipient> _byServiceId;

    private SealedSenderMultiRecipientMessage(ReadOnlyMemory<byte> message, byte version, List<SealedSenderRecipient> recipients,
        List<ServiceId> excluded, int sharedBytesOffset)
    {
        _message = message;
        Version = version;
        Recipients = recipients;
        ExcludedRecipients = excluded;
        SharedBytesOffset = sharedBytesOffset;
        _byServiceId = recipients.ToDictionary(r => r.ServiceId);
    }

    /// <summary><see cref="UuidVersion"/> or <see cref="ServiceIdVersion"/>.</summary>
    public byte Version { get; }

    /// <summary>The recipients with devices, in order of first appearance, each once.</summary>
    public IReadOnlyList<SealedSenderRecipient> Recipients { get; }

    /// <summary>Service ids the sender deliberately left out (listed without devices), in message order; disjoint from <see cref="Recipients"/>.</summary>
    public IReadOnlyList<ServiceId> ExcludedRecipients { get; }

    /// <summary>Offset of <c>E.pub ‖ ciphertext</c> (the part every recipient shares) in the message.</summary>
    public int SharedBytesOffset { get; }

    /// <summary><c>E.pub ‖ ciphertext</c>: the part every recipient shares.</summary>
    public ReadOnlyMemory<byte> SharedBytes => _message[SharedBytesOffset..];

    /// <summary>Length of each recipient's received message (all are the same length).</summary>
    public int ReceivedMessageLength => 1 + KeyMaterialLength + (_message.Length - SharedBytesOffset);

    /// <summary>Parses a sent message. The memory is referenced, not copied: do not change it while this object is in use.</summary>
    /// <exception cref="SealedSenderFormatException">The message is malformed.</exception>
    public static SealedSenderMultiRecipientMessage Parse(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        if (span.IsEmpty)
        {
            throw new SealedSenderFormatException("empty multi-recipient message");
        }
        var version = span[0];
        if (version is not (UuidVersion or ServiceIdVersion))
        {
            throw new SealedSenderFormatException($"unknown sealed sender v2 sent version 0x{version:x2}");
        }
        var pos = 1;
        var count = ReadCanonicalVarint(span, ref pos);
        var idLength = version == UuidVersion ? ServiceId.UuidLength : ServiceId.FixedWidthBinaryLength;

        var order = new List<ServiceId>((int)Math.Min(count, (ulong)((span.Length - pos) / MinRecipientLength)));
        var entries = new Dictionary<ServiceId, (List<RecipientDevice> Devices, int KeyOffset)>(order.Capacity);
        for (ulong i = 0; i < count; i++)
        {
            var serviceId = ReadServiceId(Take(span, ref pos, idLength), version);
            var devices = ReadDevices(span, ref pos);
            var keyOffset = -1;
            if (devices.Count > 0)
            {
                keyOffset = pos;
                Take(span, ref pos, KeyMaterialLength);
            }
            if (entries.TryGetValue(serviceId, out var existing))
            {
                if (existing.Devices.Count == 0 || devices.Count == 0)
                {
                    throw new SealedSenderFormatException("recipient listed twice, once without devices");
                }
                existing.Devices.AddRange(devices);
            }
            else
            {
                entries.Add(serviceId, (devices, keyOffset));
                order.Add(serviceId);
            }
        }
        if (span.Length - pos < EphemeralKeyLength)
        {
            throw new SealedSenderFormatException("multi-recipient message ends before the ephemeral key");
        }

        var recipients = new List<SealedSenderRecipient>();
        var excluded = new List<ServiceId>();
        foreach (var serviceId in order)
        {
            var (devices, keyOffset) = entries[serviceId];
            if (devices.Count == 0)
            {
                excluded.Add(serviceId);
            }
            else
            {
                recipients.Add(new SealedSenderRecipient(serviceId, devices, message.Slice(keyOffset, KeyMaterialLength)));
            }
        }
        return new SealedSenderMultiRecipientMessage(message, version, recipients, excluded, pos);
    }

    /// <summary>The recipient with <paramref name="serviceId"/>, if the message addresses it.</summary>
    public bool TryGetRecipient(ServiceId serviceId, out SealedSenderRecipient recipient) =>
        _byServiceId.TryGetValue(serviceId, out recipient!);

    /// <summary>
    /// The received message for every device of <paramref name="recipient"/>:
    /// <c>0x22 ‖ C ‖ AT ‖ E.pub ‖ ciphertext</c> (byte for byte what libsignal's
    /// <c>messageForRecipient</c> returns).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="recipient"/> is not one of this message's <see cref="Recipients"/>.</exception>
    public byte[] MessageForRecipient(SealedSenderRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        if (!_byServiceId.TryGetValue(recipient.ServiceId, out var mine) || !ReferenceEquals(mine, recipient))
        {
            throw new ArgumentException("not a recipient of this message", nameof(recipient));
        }
        var result = new byte[ReceivedMessageLength];
        result[0] = ReceivedVersion;
        recipient.KeyMaterial.Span.CopyTo(result.AsSpan(1));
        SharedBytes.Span.CopyTo(result.AsSpan(1 + KeyMaterialLength));
        return result;
    }

    private static ServiceId ReadServiceId(ReadOnlySpan<byte> bytes, byte version)
    {
        if (version == UuidVersion)
        {
            return ServiceId.Aci(bytes);
        }
        return ServiceId.TryParseFixedWidthBinary(bytes, out var serviceId)
            ? serviceId
            : throw new SealedSenderFormatException($"unknown service id kind 0x{bytes[0]:x2}");
    }

    private static List<RecipientDevice> ReadDevices(ReadOnlySpan<byte> span, ref int pos)
    {
        var devices = new List<RecipientDevice>(1);
        while (true)
        {
            var deviceId = Take(span, ref pos, 1)[0];
            if (deviceId == 0)
            {
                // 0 is never a device id: it marks a recipient without devices, and only there.
                return devices.Count == 0 ? devices : throw new SealedSenderFormatException("device id 0 after another device");
            }
            if (deviceId > MaxDeviceId)
            {
                throw new SealedSenderFormatException($"device id {deviceId} out of range");
            }
            var registration = Take(span, ref pos, 2);
            var value = (registration[0] << 8) | registration[1];
            devices.Add(new RecipientDevice(deviceId, value & RegistrationIdMask));
            if ((value & HasMoreDevicesFlag) == 0)
            {
                return devices;
            }
        }
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> span, ref int pos, int length)
    {
        if (span.Length - pos < length)
        {
            throw new SealedSenderFormatException("multi-recipient message is truncated");
        }
        var slice = span.Slice(pos, length);
        pos += length;
        return slice;
    }

    /// <summary>An unsigned protobuf varint that fits 32 bits, in its shortest encoding.</summary>
    private static ulong ReadCanonicalVarint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift <= 28; shift += 7)
        {
            var b = Take(span, ref pos, 1)[0];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && shift > 0)
                {
                    throw new SealedSenderFormatException("non-canonical varint");
                }
                return value <= uint.MaxValue ? value : throw new SealedSenderFormatException("recipient count out of range");
            }
        }
        throw new SealedSenderFormatException("varint too long");
    }
}
