using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Cloudy.Client.Wire;
using Cloudy.Contracts.Delivery;
using Cloudy.LoadTest.Metrics;
using Cloudy.LoadTest.Net;

namespace Cloudy.LoadTest.Tests;

public sealed class StreamFramesTests
{
    private static readonly JsonSerializerOptions _web = new(JsonSerializerDefaults.Web);

    private static byte[] EnvelopeFrame(string id, byte[] payload, bool ephemeral = false) => JsonSerializer.SerializeToUtf8Bytes(
        new StreamFrame("envelope", new Envelope(id, 2, "acct-1", 1, 1, null, Base64Url.EncodeToString(payload), 1_732_470_000_000,
            new DateTimeOffset(2026, 11, 24, 19, 30, 0, TimeSpan.Zero), ephemeral)), _web);

    [Fact]
    public void Scan_EnvelopeFrameAsTheServerWritesIt_ReadsIdContentAndTrackingHeader()
    {
        var payload = Payload.Create(240, 9, 77, 123_000);
        var json = EnvelopeFrame("01JD5ZQ7N8X4Y2W3V1T0S9R8P7", payload);

        var frame = StreamFrames.Scan(json);

        Assert.Equal(FrameKind.Envelope, frame.Kind);
        Assert.Equal("01JD5ZQ7N8X4Y2W3V1T0S9R8P7", Encoding.UTF8.GetString(frame.Id));
        Assert.Equal(Base64Url.EncodeToString(payload), Encoding.UTF8.GetString(frame.Content));
        Assert.False(frame.Ephemeral);
        Span<byte> head = stackalloc byte[Payload.HeaderBytes];
        Assert.Equal(Payload.HeaderBytes, StreamFrames.DecodeHead(frame.Content, head));
        Assert.True(Payload.TryRead(head, 9, out var seq, out var sentAt));
        Assert.Equal(77, seq);
        Assert.Equal(123_000, sentAt);
    }

    [Fact]
    public void Scan_EphemeralEnvelope_FlagsIt() =>
        Assert.True(StreamFrames.Scan(EnvelopeFrame("x", new byte[24], ephemeral: true)).Ephemeral);

    [Fact]
    public void Scan_TypeAfterEnvelopeAndEscapedId_StillReadsTheEnvelope()
    {
        var json = """{"envelope":{"extra":{"a":[1,2]},"id":"ab\u0063","content":"AAAA","ephemeral":false},"type":"envelope"}"""u8;

        var frame = StreamFrames.Scan(json);

        Assert.Equal(FrameKind.Envelope, frame.Kind);
        Assert.Equal("abc", Encoding.UTF8.GetString(frame.Id));
        Assert.Equal("AAAA", Encoding.UTF8.GetString(frame.Content));
    }

    [Theory]
    [InlineData("""{"type":"queue-empty"}""", "QueueEmpty")]
    [InlineData("""{"type":"presence","presence":{"accountId":"a","online":true,"lastSeen":null}}""", "Other")]
    [InlineData("""{"type":"error","code":"unknown-envelope","id":"x"}""", "Other")]
    [InlineData("""{"type":7}""", "Other")]
    [InlineData("""[1,2]""", "Other")]
    public void Scan_NonEnvelopeFrames_ReturnTheirKind(string json, string kind) =>
        Assert.Equal(Enum.Parse<FrameKind>(kind), StreamFrames.Scan(Encoding.UTF8.GetBytes(json)).Kind);

    [Fact]
    public void Scan_TruncatedJson_ThrowsJsonException() =>
        Assert.ThrowsAny<JsonException>(() => StreamFrames.Scan("""{"type":"envelope","envelope":{"id":"""u8));

    [Fact]
    public void DecodeHead_ShortOrInvalidContent_DecodesNoFullHeader()
    {
        Span<byte> head = stackalloc byte[Payload.HeaderBytes];
        Assert.True(StreamFrames.DecodeHead("AAAA"u8, head) < Payload.HeaderBytes);
        Assert.Equal(0, StreamFrames.DecodeHead("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"u8, head));
    }

    [Fact]
    public void WriteAck_ReusedWriter_EachAckIsTheClientFrameJson()
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        using var writer = new Utf8JsonWriter(buffer);

        var first = StreamFrames.WriteAck("01JD5ZQ7N8X4Y2W3V1T0S9R8P7"u8, buffer, writer).ToArray();
        var second = StreamFrames.WriteAck("a\"b"u8, buffer, writer).ToArray();

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(new ClientFrame("ack", "01JD5ZQ7N8X4Y2W3V1T0S9R8P7"), _web), first);
        using var doc = JsonDocument.Parse(second);
        Assert.Equal("ack", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("a\"b", doc.RootElement.GetProperty("id").GetString());
    }
}
