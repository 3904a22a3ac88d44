using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Cloudy.LoadTest.Net;

/// <summary>Kinds of server → client stream frames the generator cares about.</summary>
internal enum FrameKind
{
    /// <summary>Anything else (presence, error, unknown types): ignored, like a client does.</summary>
    Other,

    /// <summary><c>{"type":"envelope","envelope":{…}}</c>.</summary>
    Envelope,

    /// <summary><c>{"type":"queue-empty"}</c>.</summary>
    QueueEmpty,
}

/// <summary>What the generator needs from one frame: its kind and, for an envelope, its id, content and ephemeral flag.</summary>
internal readonly ref struct ScannedFrame(FrameKind kind, ReadOnlySpan<byte> id, ReadOnlySpan<byte> content, bool ephemeral)
{
    public FrameKind Kind { get; } = kind;

    /// <summary>The envelope id, UTF-8 (unescaped).</summary>
    public ReadOnlySpan<byte> Id { get; } = id;

    /// <summary>The envelope content, base64url text (UTF-8, unescaped).</summary>
    public ReadOnlySpan<byte> Content { get; } = content;

    public bool Ephemeral { get; } = ephemeral;
}

/// <summary>
/// Reads and writes the stream's JSON frames (docs/api-delivery.md) without materialising records: a
/// <see cref="Utf8JsonReader"/> pass that picks out <c>type</c> and the envelope's <c>id</c>, <c>content</c> and
/// <c>ephemeral</c>, and an ack writer. Every frame of a high-rate run passes through here, so no per-frame
/// object graph (envelope record, strings, DateTimeOffset) is built.
/// </summary>
internal static class StreamFrames
{
    /// <summary>Bytes of a payload's tracking header as base64url: 24 bytes = exactly 32 characters.</summary>
    public const int HeaderChars = 32;

    /// <summary>Scans one frame; malformed JSON throws <see cref="JsonException"/>.</summary>
    public static ScannedFrame Scan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var kind = FrameKind.Other;
        ReadOnlySpan<byte> id = default, content = default;
        var ephemeral = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                kind = reader.TokenType != JsonTokenType.String ? FrameKind.Other
                    : reader.ValueTextEquals("envelope"u8) ? FrameKind.Envelope
                    : reader.ValueTextEquals("queue-empty"u8) ? FrameKind.QueueEmpty
                    : FrameKind.Other;
            }
            else if (reader.ValueTextEquals("envelope"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadEnvelope(ref reader, ref id, ref content, ref ephemeral);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ScannedFrame(kind, id, content, ephemeral);
    }

    /// <summary>The first <paramref name="destination"/>.Length payload bytes decoded from base64url <paramref name="content"/>; returns how many.</summary>
    public static int DecodeHead(ReadOnlySpan<byte> content, Span<byte> destination)
    {
        var chars = Math.Min(content.Length, Base64Url.GetEncodedLength(destination.Length));
        var status = Base64Url.DecodeFromUtf8(content[..chars], destination, out _, out var written);
        return status == OperationStatus.Done ? written : 0;
    }

    /// <summary>Writes <c>{"type":"ack","id":"&lt;id&gt;"}</c> into <paramref name="buffer"/> (cleared first) with <paramref name="writer"/> (reset to it).</summary>
    public static ReadOnlyMemory<byte> WriteAck(ReadOnlySpan<byte> id, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "ack"u8);
        writer.WriteString("id"u8, id);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenMemory;
    }

    private static void ReadEnvelope(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> id, ref ReadOnlySpan<byte> content, ref bool ephemeral)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = Unescaped(ref reader);
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                content = Unescaped(ref reader);
            }
            else if (reader.ValueTextEquals("ephemeral"u8))
            {
                reader.Read();
                ephemeral = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>The string token's bytes; escaped strings (never seen from our server for ids and base64url, but legal JSON) are copied.</summary>
    private static ReadOnlySpan<byte> Unescaped(scoped ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return default;
        }

        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        var copy = new byte[reader.ValueSpan.Length];
        return copy.AsSpan(0, reader.CopyString(copy));
    }
}
