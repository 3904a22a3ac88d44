using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Cloudy.LoadTest.Metrics;

/// <summary>
/// The opaque "ciphertext" a virtual device sends: a 24-byte header (magic, run tag, sequence, send time in
/// run-clock µs) followed by random bytes up to the requested size. The server cannot tell it from a real
/// Signal message of the same size; the receiver reads the header back to track the message.
/// </summary>
internal static class Payload
{
    /// <summary>Header length; the smallest payload.</summary>
    public const int HeaderBytes = 24;

    private const uint Magic = 0x434C4F44; // "CLOD"

    /// <summary>Writes a payload of <paramref name="size"/> bytes.</summary>
    public static byte[] Create(int size, uint runTag, long sequence, long sentAtMicros)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, HeaderBytes);
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], runTag);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], sequence);
        BinaryPrimitives.WriteInt64BigEndian(span[16..], sentAtMicros);
        RandomNumberGenerator.Fill(span[HeaderBytes..]);
        return bytes;
    }

    /// <summary>Reads the header; false for anything this run did not send.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, uint runTag, out long sequence, out long sentAtMicros)
    {
        sequence = -1;
        sentAtMicros = 0;
        if (payload.Length < HeaderBytes
            || BinaryPrimitives.ReadUInt32BigEndian(payload) != Magic
            || BinaryPrimitives.ReadUInt32BigEndian(payload[4..]) != runTag)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64BigEndian(payload[8..]);
        sentAtMicros = BinaryPrimitives.ReadInt64BigEndian(payload[16..]);
        return true;
    }
}
