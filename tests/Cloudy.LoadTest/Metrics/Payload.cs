using System.Buffers.Binary;

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
        Write(bytes, runTag, sequence, sentAtMicros);
        return bytes;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> (at least <see cref="HeaderBytes"/>) with a payload. The tail comes from a fast
    /// non-cryptographic generator: it only has to look like ciphertext to the server, and a CSPRNG call per message
    /// would be generator CPU spent on nothing.
    /// </summary>
    public static void Write(Span<byte> destination, uint runTag, long sequence, long sentAtMicros)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HeaderBytes);
        BinaryPrimitives.WriteUInt32BigEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], runTag);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], sequence);
        BinaryPrimitives.WriteInt64BigEndian(destination[16..], sentAtMicros);
        Random.Shared.NextBytes(destination[HeaderBytes..]);
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
