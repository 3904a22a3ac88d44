using System.Text.Json;
using System.Text.Json.Serialization;
using Cloudy.Client.Wire;
using Cloudy.LoadTest.Metrics;
using Cloudy.LoadTest.Net;

namespace Cloudy.LoadTest.Tests;

public sealed class SendBodyTests
{
    // What MessagesClient sends: its records serialized with the client's settings (web defaults, nulls left out).
    private static readonly JsonSerializerOptions _client = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    [Theory]
    [InlineData(24)]
    [InlineData(240)]
    [InlineData(4097)]
    public void Create_OpaquePayload_IsByteForByteTheClientLibrarysRequest(int size)
    {
        var payload = Payload.Create(size, 7, 42, 1_000);
        const long timestamp = 1_732_470_000_123;

        var body = SendBody.Create(payload, timestamp);

        var expected = JsonSerializer.SerializeToUtf8Bytes(
            new SendRequest([new OutgoingMessage(1, null, 2, System.Buffers.Text.Base64Url.EncodeToString(payload))], timestamp, null), _client);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Create_TrackedPayload_ReadsBackToTheSameHeader()
    {
        var payload = Payload.Create(240, 0xABCDEF, 123_456, 987_654_321);

        var (content, timestamp) = SendBody.Read(SendBody.Create(payload, 5));

        Assert.Equal(5, timestamp);
        Assert.Equal(payload, content);
        Assert.True(Payload.TryRead(content, 0xABCDEF, out var seq, out var sentAt));
        Assert.Equal(123_456, seq);
        Assert.Equal(987_654_321, sentAt);
    }

    [Fact]
    public void Write_DestinationTooSmall_Throws()
    {
        var payload = new byte[64];
        var destination = new byte[SendBody.MaxLength(payload.Length) - 1];
        Assert.Throws<ArgumentException>(() => SendBody.Write(destination, payload, 1));
    }

    [Fact]
    public void Write_NonPositiveTimestamp_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SendBody.Write(new byte[SendBody.MaxLength(24)], new byte[24], 0));
}
