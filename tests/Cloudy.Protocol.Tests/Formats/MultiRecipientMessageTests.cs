using Cloudy.Formats;

namespace Cloudy.Formats.Tests;

/// <summary>The server-side parse of sealed sender v2 sent messages, on hand-built messages (layouts from libsignal 0.72.1).</summary>
public sealed class MultiRecipientMessageTests
{
    private static readonly ServiceId A = ServiceId.Parse("aaaaaaaa-7000-11eb-b32a-33b8a8a487a6");
    private static readonly ServiceId B = ServiceId.Parse("PNI:bbbbbbbb-7000-11eb-b32a-33b8a8a487a6");
    private static readonly ServiceId C = ServiceId.Parse("cccccccc-7000-11eb-b32a-33b8a8a487a6");

    [Fact]
    public void Parse_ServiceIdVersion_RecipientsDevicesExcludedAndPayloads()
    {
        var keyA = Fill(48, 0xA0);
        var keyB = Fill(48, 0xB0);
        var shared = Fill(32 + 20, 0x5E);
        var message = Build(0x23, 3,
            [.. Id(A), 1, 0x80, 0x05, 2, 0x00, 0x06, .. keyA],
            [.. Id(B), 127, 0x3F, 0xFF, .. keyB],
            [.. Id(C), 0],
            shared);

        var parsed = SealedSenderMultiRecipientMessage.Parse(message);

        Assert.Equal(0x23, parsed.Version);
        Assert.Equal([A, B], parsed.Recipients.Select(r => r.ServiceId));
        Assert.Equal([new RecipientDevice(1, 5), new RecipientDevice(2, 6)], parsed.Recipients[0].Devices);
        Assert.Equal([new RecipientDevice(127, 0x3FFF)], parsed.Recipients[1].Devices);
        Assert.Equal([C], parsed.ExcludedRecipients);
        Assert.Equal(shared, parsed.SharedBytes.ToArray());
        Assert.Equal([0x22, .. keyA, .. shared], parsed.MessageForRecipient(parsed.Recipients[0]));
        Assert.Equal([0x22, .. keyB, .. shared], parsed.MessageForRecipient(parsed.Recipients[1]));
        Assert.Equal(1 + 48 + shared.Length, parsed.ReceivedMessageLength);
        Assert.True(parsed.TryGetRecipient(B, out var b));
        Assert.Same(parsed.Recipients[1], b);
        Assert.False(parsed.TryGetRecipient(C, out _));
    }

    [Fact]
    public void Parse_UuidVersion_SixteenByteAcis()
    {
        var message = Build(0x22, 1, [.. A.UuidBytes, 3, 0x00, 0x09, .. Fill(48, 1)], Fill(32, 2));

        var parsed = SealedSenderMultiRecipientMessage.Parse(message);

        Assert.Equal(A, parsed.Recipients.Single().ServiceId);
        Assert.Equal([new RecipientDevice(3, 9)], parsed.Recipients[0].Devices);
    }

    [Fact]
    public void Parse_RecipientListedTwiceWithDevices_DevicesConcatenatedFirstKeyMaterialKept()
    {
        var first = Fill(48, 1);
        var message = Build(0x23, 2, [.. Id(A), 1, 0x00, 0x01, .. first], [.. Id(A), 1, 0x00, 0x02, .. Fill(48, 2)], Fill(32, 3));

        var parsed = SealedSenderMultiRecipientMessage.Parse(message);

        var recipient = Assert.Single(parsed.Recipients);
        Assert.Equal([new RecipientDevice(1, 1), new RecipientDevice(1, 2)], recipient.Devices);
        Assert.Equal(first, recipient.KeyMaterial.ToArray());
    }

    [Fact]
    public void Parse_RegistrationIdBit14_IgnoredAsLibsignalDoes()
    {
        var parsed = SealedSenderMultiRecipientMessage.Parse(Build(0x23, 1, [.. Id(A), 1, 0x40, 0x07, .. Fill(48, 1)], Fill(32, 3)));

        Assert.Equal(7, parsed.Recipients[0].Devices[0].RegistrationId);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "empty", [] },
        { "v1 version", [0x11, 0] },
        { "unknown version", [0x24, 0, .. Fill(32, 0)] },
        { "no count", [0x23] },
        { "non-canonical count", [0x23, 0x80, 0x00, .. Fill(32, 0)] },
        { "count above 32 bits", [0x23, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, .. Fill(32, 0)] },
        { "varint too long", [0x23, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] },
        { "more recipients than bytes", Build(0x23, 2, [.. Id(C), 0], Fill(32, 0)) },
        { "unknown service id kind", Build(0x23, 1, [2, .. A.UuidBytes, 0], Fill(32, 0)) },
        { "device id 0 after a device", Build(0x23, 1, [.. Id(A), 1, 0x80, 0x01, 0, .. Fill(48, 0)], Fill(32, 0)) },
        { "device id 128", Build(0x23, 1, [.. Id(A), 128, 0x00, 0x01, .. Fill(48, 0)], Fill(32, 0)) },
        { "recipient and excluded", Build(0x23, 2, [.. Id(A), 1, 0x00, 0x01, .. Fill(48, 0)], [.. Id(A), 0], Fill(32, 0)) },
        { "excluded twice", Build(0x23, 2, [.. Id(C), 0], [.. Id(C), 0], Fill(32, 0)) },
        { "key material truncated", Build(0x23, 1, [.. Id(A), 1, 0x00, 0x01, .. Fill(47, 0)]) },
        { "ephemeral key truncated", Build(0x23, 1, [.. Id(A), 1, 0x00, 0x01, .. Fill(48, 0)], Fill(31, 0)) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_SealedSenderFormatException(string why, byte[] message)
    {
        var e = Assert.Throws<SealedSenderFormatException>(() => SealedSenderMultiRecipientMessage.Parse(message));
        Assert.False(string.IsNullOrEmpty(e.Message), why);
    }

    [Fact]
    public void Parse_EveryTruncation_TypedErrorOrSameRecipientsWithShorterSharedPart()
    {
        var message = Build(0x23, 2, [.. Id(A), 1, 0x80, 0x05, 2, 0x00, 0x06, .. Fill(48, 1)], [.. Id(C), 0], Fill(60, 2));
        var full = SealedSenderMultiRecipientMessage.Parse(message);

        for (var length = 0; length < message.Length; length++)
        {
            try
            {
                var parsed = SealedSenderMultiRecipientMessage.Parse(message[..length]);
                // Only the opaque shared part can be cut without the parse noticing; decryption then fails.
                Assert.Equal(full.SharedBytesOffset, parsed.SharedBytesOffset);
                Assert.Equal(full.Recipients.Select(r => r.ServiceId), parsed.Recipients.Select(r => r.ServiceId));
            }
            catch (SealedSenderFormatException)
            {
                Assert.True(length < full.SharedBytesOffset + 32);
            }
        }
    }

    [Fact]
    public void MessageForRecipient_RecipientOfAnotherMessage_Refused()
    {
        var message = Build(0x23, 1, [.. Id(A), 1, 0x00, 0x01, .. Fill(48, 1)], Fill(32, 2));
        var one = SealedSenderMultiRecipientMessage.Parse(message);
        var other = SealedSenderMultiRecipientMessage.Parse(message);

        Assert.Throws<ArgumentException>(() => one.MessageForRecipient(other.Recipients[0]));
    }

    [Fact]
    public void ServiceId_TextAndBinaryForms_AsLibsignal()
    {
        Assert.Equal("aaaaaaaa-7000-11eb-b32a-33b8a8a487a6", A.ToString());
        Assert.Equal("PNI:bbbbbbbb-7000-11eb-b32a-33b8a8a487a6", B.ToString());
        Assert.Equal(A, ServiceId.Parse("AAAAAAAA-7000-11EB-B32A-33B8A8A487A6"));
        Assert.Equal([0, 0xAA, 0xAA, 0xAA, 0xAA, 0x70, 0x00, 0x11, 0xEB, 0xB3, 0x2A, 0x33, 0xB8, 0xA8, 0xA4, 0x87, 0xA6], A.ToFixedWidthBinary());
        Assert.Equal(ServiceIdKind.Pni, B.Kind);
        Assert.Equal(1, B.ToFixedWidthBinary()[0]);
        Assert.True(ServiceId.TryParseFixedWidthBinary(B.ToFixedWidthBinary(), out var b) && b == B);
        Assert.Equal(Guid.Parse("aaaaaaaa-7000-11eb-b32a-33b8a8a487a6"), A.ToGuid());
        foreach (var bad in new[] { "", "pni:bbbbbbbb-7000-11eb-b32a-33b8a8a487a6", "ACI:aaaaaaaa-7000-11eb-b32a-33b8a8a487a6", "aaaaaaaa700011ebb32a33b8a8a487a6", "{aaaaaaaa-7000-11eb-b32a-33b8a8a487a6}" })
        {
            Assert.False(ServiceId.TryParse(bad, out _), bad);
        }
        Assert.False(ServiceId.TryParseFixedWidthBinary([2, .. A.UuidBytes], out _));
        Assert.False(ServiceId.TryParseFixedWidthBinary(A.UuidBytes, out _));
    }

    internal static byte[] Build(byte version, int count, params byte[][] parts)
    {
        var bytes = new List<byte> { version };
        var value = (uint)count;
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        foreach (var part in parts)
        {
            bytes.AddRange(part);
        }
        return [.. bytes];
    }

    private static byte[] Id(ServiceId id) => id.ToFixedWidthBinary();

    private static byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
