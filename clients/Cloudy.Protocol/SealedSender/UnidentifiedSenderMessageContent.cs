using Cloudy.Protocol.Messages;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// What a sealed message carries once opened (libsignal's <c>UnidentifiedSenderMessageContent</c>,
/// protobuf <c>UnidentifiedSenderMessage.Message</c>): <c>{1: type, 2: senderCertificate,
/// 3: content, 4: contentHint (omitted when default), 5: groupId (omitted when absent or empty)}</c>.
/// Wire type values: PREKEY_MESSAGE = 1, MESSAGE = 2, SENDERKEY_MESSAGE = 7, PLAINTEXT_CONTENT = 8.
/// </summary>
public sealed class UnidentifiedSenderMessageContent
{
    private const uint ProtoPreKey = 1;
    private const uint ProtoMessage = 2;
    private const uint ProtoSenderKey = 7;
    private const uint ProtoPlaintext = 8;

    private readonly byte[] _serialized;
    private readonly byte[] _content;
    private readonly byte[]? _groupId;

    private UnidentifiedSenderMessageContent(byte[] serialized, CiphertextMessageType type, SenderCertificate sender, byte[] content, ContentHint hint, byte[]? groupId)
    {
        _serialized = serialized;
        Type = type;
        Sender = sender;
        _content = content;
        ContentHint = hint;
        _groupId = groupId;
    }

    /// <summary>The type of <see cref="Content"/>.</summary>
    public CiphertextMessageType Type { get; }

    /// <summary>The sender's certificate (validate it before trusting it).</summary>
    public SenderCertificate Sender { get; }

    /// <summary>The inner message (a Signal, PreKey, sender-key or plaintext message).</summary>
    public ReadOnlySpan<byte> Content => _content;

    /// <summary>What to do if <see cref="Content"/> cannot be decrypted.</summary>
    public ContentHint ContentHint { get; }

    /// <summary>The group the message belongs to, if the sender said (null if absent; may be empty if present but empty).</summary>
    public byte[]? GroupId => (byte[]?)_groupId?.Clone();

    /// <summary>Wraps <paramref name="content"/> for sealing.</summary>
    /// <param name="type">The content's type.</param>
    /// <param name="sender">The sender's certificate.</param>
    /// <param name="content">The inner message bytes.</param>
    /// <param name="hint">Resend behaviour; <see cref="ContentHint.Default"/> is not written.</param>
    /// <param name="groupId">Written only when non-empty.</param>
    public static UnidentifiedSenderMessageContent Create(CiphertextMessageType type, SenderCertificate sender, ReadOnlySpan<byte> content,
        ContentHint hint = ContentHint.Default, ReadOnlySpan<byte> groupId = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var protoType = type switch
        {
            CiphertextMessageType.PreKey => ProtoPreKey,
            CiphertextMessageType.Whisper => ProtoMessage,
            CiphertextMessageType.SenderKey => ProtoSenderKey,
            CiphertextMessageType.Plaintext => ProtoPlaintext,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        var writer = new ProtoWriter()
            .WriteUInt32(1, protoType)
            .WriteBytes(2, sender.Serialize())
            .WriteBytes(3, content);
        if (hint != ContentHint.Default)
        {
            // An int32 enum on the wire: a value above int.MaxValue is a negative int32, sign-extended to 64 bits as protobuf does.
            writer.WriteUInt64(4, (ulong)(long)(int)(uint)hint);
        }
        writer.WriteBytesIfNotEmpty(5, groupId);
        return new UnidentifiedSenderMessageContent(writer.ToArray(), type, sender, content.ToArray(), hint, groupId.IsEmpty ? null : groupId.ToArray());
    }

    /// <summary>Parses the decrypted content of a sealed message.</summary>
    /// <exception cref="InvalidSealedSenderMessageException">Malformed (including an unknown type).</exception>
    /// <exception cref="InvalidCertificateException">The embedded sender certificate is malformed.</exception>
    public static UnidentifiedSenderMessageContent Deserialize(ReadOnlyMemory<byte> serialized) => SealedSenderProto.Decode(serialized, fields =>
    {
        var type = ProtoReader.UInt64(fields, 1) switch
        {
            ProtoPreKey => CiphertextMessageType.PreKey,
            ProtoMessage => CiphertextMessageType.Whisper,
            ProtoSenderKey => CiphertextMessageType.SenderKey,
            ProtoPlaintext => CiphertextMessageType.Plaintext,
            null => throw new FormatException("missing message type"),
            var other => throw new FormatException($"unknown message type {other}"),
        };
        var sender = SealedSenderProto.RequiredBytes(fields, 2);
        var content = SealedSenderProto.RequiredBytes(fields, 3);
        // libsignal reads the enum as an int32 and keeps its value as a u32: the low 32 bits.
        var hint = (ContentHint)(uint)(ProtoReader.UInt64(fields, 4) ?? 0);
        var groupId = ProtoReader.Bytes(fields, 5)?.ToArray();
        return new UnidentifiedSenderMessageContent(serialized.ToArray(), type, SenderCertificate.Deserialize(sender), content, hint, groupId);
    }, e => new InvalidSealedSenderMessageException("malformed sealed sender content", e));

    /// <summary>The serialized content (as parsed, or as created).</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>The serialized bytes without a copy, for sealing.</summary>
    internal ReadOnlySpan<byte> SerializedSpan => _serialized;
}
