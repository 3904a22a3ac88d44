using System.Text.Json;

namespace Cloudy.Client.Messaging;

/// <summary>Kinds of <see cref="MessageContent"/>.</summary>
public static class ContentKinds
{
    /// <summary>A text message.</summary>
    public const string Text = "text";

    /// <summary>A delivery receipt for messages identified by their sender timestamps.</summary>
    public const string Receipt = "receipt";

    /// <summary>A typing indicator (sent as an ephemeral envelope).</summary>
    public const string Typing = "typing";
}

/// <summary>
/// What travels inside the ciphertext (the server never sees it): a text, a delivery receipt or a typing
/// indicator. <paramref name="Timestamp"/> is the sender's id for the message (receipts refer to it).
/// </summary>
/// <param name="Kind">One of <see cref="ContentKinds"/>.</param>
/// <param name="Timestamp">Sender's timestamp in ms, unique per sender device.</param>
/// <param name="Text">The text (kind <c>text</c>).</param>
/// <param name="Receipts">Timestamps of the messages delivered (kind <c>receipt</c>).</param>
/// <param name="Typing">Started (true) or stopped (false) typing (kind <c>typing</c>).</param>
public sealed record MessageContent(string Kind, long Timestamp, string? Text = null, IReadOnlyList<long>? Receipts = null, bool? Typing = null);

/// <summary>
/// Encodes content as JSON and pads it before encryption, so ciphertext lengths reveal only a size class:
/// <c>json ‖ 0x80 ‖ 0x00…</c> up to a multiple of <see cref="PaddingBlock"/> bytes (Signal's padding scheme).
/// </summary>
public static class ContentCodec
{
    /// <summary>Padded plaintexts are a multiple of this many bytes.</summary>
    public const int PaddingBlock = 160;

    private const byte Marker = 0x80;

    /// <summary>The padded plaintext of <paramref name="content"/>.</summary>
    public static byte[] Encode(MessageContent content)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(content, ClientJsonContext.Default.MessageContent);
        var padded = new byte[(json.Length / PaddingBlock + 1) * PaddingBlock];
        json.CopyTo(padded, 0);
        padded[json.Length] = Marker;
        return padded;
    }

    /// <summary>Parses a padded plaintext; <see cref="FormatException"/> when it is not content of ours.</summary>
    public static MessageContent Decode(ReadOnlySpan<byte> padded)
    {
        var end = padded.LastIndexOfAnyExcept((byte)0);
        if (end < 0 || padded[end] != Marker)
        {
            throw new FormatException("Content padding is malformed.");
        }

        try
        {
            var content = JsonSerializer.Deserialize(padded[..end], ClientJsonContext.Default.MessageContent);
            return content is { Kind: ContentKinds.Text or ContentKinds.Receipt or ContentKinds.Typing }
                ? content
                : throw new FormatException("Unknown content kind.");
        }
        catch (JsonException e)
        {
            throw new FormatException("Content is not valid JSON.", e);
        }
    }
}
