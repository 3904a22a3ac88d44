using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Cloudy.LoadTest.Net;

/// <summary>
/// The JSON body of <c>PUT /v1/messages/{accountId}</c> for one opaque ciphertext to device 1, written straight into
/// bytes: <c>{"messages":[{"deviceId":1,"type":2,"content":"&lt;base64url&gt;"}],"timestamp":&lt;ms&gt;}</c>. It is
/// the documented request (docs/api-delivery.md) that <c>MessagesClient</c> sends for the same message, without
/// building request records and running the serializer for every send: at 10k+ messages/s the generator must
/// not be the bottleneck.
/// </summary>
internal static class SendBody
{
    private static readonly byte[] _prefix = "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\""u8.ToArray();
    private static readonly byte[] _middle = "\"}],\"timestamp\":"u8.ToArray();

    /// <summary>Bytes <see cref="Write"/> needs at most for a payload of <paramref name="payloadBytes"/> bytes.</summary>
    public static int MaxLength(int payloadBytes) => _prefix.Length + Base64Url.GetEncodedLength(payloadBytes) + _middle.Length + 20 + 1;

    /// <summary>Writes the body for <paramref name="payload"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> payload, long timestampMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampMs);
        if (destination.Length < MaxLength(payload.Length))
        {
            throw new ArgumentException("Destination too small for the send body.", nameof(destination));
        }

        _prefix.CopyTo(destination);
        var n = _prefix.Length;
        n += Base64Url.EncodeToUtf8(payload, destination[n..]);
        _middle.CopyTo(destination[n..]);
        n += _middle.Length;
        Utf8Formatter.TryFormat(timestampMs, destination[n..], out var digits);
        n += digits;
        destination[n++] = (byte)'}';
        return n;
    }

    /// <summary>The body for <paramref name="payload"/> as an exact-size array (a fresh array: the HTTP handler owns it while sending).</summary>
    public static byte[] Create(ReadOnlySpan<byte> payload, long timestampMs)
    {
        var max = MaxLength(payload.Length);
        var scratch = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            return scratch.AsSpan(0, Write(scratch, payload, timestampMs)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Reads a body back (for tests and checks): the content bytes and the timestamp.</summary>
    internal static (byte[] Content, long Timestamp) Read(ReadOnlySpan<byte> body)
    {
        using var doc = JsonDocument.Parse(body.ToArray());
        var message = doc.RootElement.GetProperty("messages")[0];
        return (Base64Url.DecodeFromChars(message.GetProperty("content").GetString()), doc.RootElement.GetProperty("timestamp").GetInt64());
    }
}
