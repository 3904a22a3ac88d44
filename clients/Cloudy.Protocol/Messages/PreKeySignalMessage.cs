using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.Messages;

/// <summary>
/// The session-opening message (libsignal type "PreKey" = 3): <c>version byte || protobuf
/// PreKeySignalMessage { 1: prekey id, 2: base key, 3: identity key, 4: SignalMessage, 5: registration id,
/// 6: signed prekey id, 7: kyber prekey id, 8: kyber ciphertext }</c>. No MAC of its own: the embedded
/// SignalMessage's MAC and the PQXDH secret authenticate it.
/// </summary>
public sealed class PreKeySignalMessage
{
    private readonly byte[] _serialized;

    private PreKeySignalMessage(byte version, uint registrationId, uint? preKeyId, uint signedPreKeyId, uint kyberPreKeyId, byte[] kyberCiphertext,
        ECPublicKey baseKey, IdentityKey identityKey, SignalMessage message, byte[] serialized)
    {
        MessageVersion = version;
        RegistrationId = registrationId;
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        KyberPreKeyId = kyberPreKeyId;
        KyberCiphertext = kyberCiphertext;
        BaseKey = baseKey;
        IdentityKey = identityKey;
        Message = message;
        _serialized = serialized;
    }

    /// <summary>High nibble of the version byte.</summary>
    public byte MessageVersion { get; }

    /// <summary>Sender's registration id.</summary>
    public uint RegistrationId { get; }

    /// <summary>The one-time prekey used, if any.</summary>
    public uint? PreKeyId { get; }

    /// <summary>The signed prekey used.</summary>
    public uint SignedPreKeyId { get; }

    /// <summary>The Kyber prekey used.</summary>
    public uint KyberPreKeyId { get; }

    /// <summary>Serialized KEM ciphertext (0x08 || 1568 bytes).</summary>
    public byte[] KyberCiphertext { get; }

    /// <summary>The initiator's ephemeral base key.</summary>
    public ECPublicKey BaseKey { get; }

    /// <summary>The initiator's identity key.</summary>
    public IdentityKey IdentityKey { get; }

    /// <summary>The first ratchet message.</summary>
    public SignalMessage Message { get; }

    /// <summary>The bytes on the wire.</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal static PreKeySignalMessage Create(byte version, uint registrationId, uint? preKeyId, uint signedPreKeyId, uint kyberPreKeyId, byte[] kyberCiphertext,
        ECPublicKey baseKey, IdentityKey identityKey, SignalMessage message)
    {
        var w = new ProtoWriter();
        if (preKeyId is { } id)
        {
            w.WriteUInt32(1, id);
        }
        var body = w.WriteBytes(2, baseKey.Serialize())
            .WriteBytes(3, identityKey.Serialize())
            .WriteBytes(4, message.SerializedSpan)
            .WriteUInt32(5, registrationId)
            .WriteUInt32(6, signedPreKeyId)
            .WriteUInt32(7, kyberPreKeyId)
            .WriteBytes(8, kyberCiphertext)
            .ToArray();
        return new PreKeySignalMessage(version, registrationId, preKeyId, signedPreKeyId, kyberPreKeyId, kyberCiphertext, baseKey, identityKey, message,
            [SignalMessage.VersionByte(version), .. body]);
    }

    /// <summary>Parses wire bytes; requires the Kyber fields (version 4).</summary>
    public static PreKeySignalMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.IsEmpty)
        {
            throw new InvalidMessageException("empty message");
        }
        var version = SignalMessage.CheckVersion(serialized[0]);
        try
        {
            var bytes = serialized.ToArray();
            var f = ProtoReader.Read(bytes.AsMemory(1));
            var baseKey = ECPublicKey.Deserialize(Required(f, 2));
            var identity = IdentityKey.Deserialize(Required(f, 3));
            var message = SignalMessage.Deserialize(Required(f, 4));
            var signedPreKeyId = ProtoReader.UInt32(f, 6) ?? throw new FormatException("missing signed prekey id");
            var kyberId = ProtoReader.UInt32(f, 7);
            var kyberCt = ProtoReader.Bytes(f, 8);
            if (kyberId is null || kyberCt is null)
            {
                throw new FormatException("Kyber prekey id and ciphertext must be present for version 4");
            }
            return new PreKeySignalMessage(version, ProtoReader.UInt32(f, 5) ?? 0, ProtoReader.UInt32(f, 1), signedPreKeyId, kyberId.Value,
                kyberCt.Value.ToArray(), baseKey, identity, message, bytes);
        }
        catch (Exception e) when (e is FormatException or InvalidKeyException)
        {
            throw new InvalidMessageException("malformed PreKeySignalMessage", e);
        }
    }

    private static ReadOnlySpan<byte> Required(List<ProtoField> fields, int number) =>
        (ProtoReader.Bytes(fields, number) ?? throw new FormatException($"missing field {number}")).Span;
}
