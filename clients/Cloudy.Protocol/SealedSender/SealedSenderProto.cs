using System.Text;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// Decoding helpers for the protobuf messages of <c>sealed_sender.proto</c> (proto2: a field is
/// present or absent; the last occurrence wins). Stricter than prost in two places no honest encoder
/// reaches: a uint32 above 2^32 − 1 is refused rather than truncated, and so is a string that is not UTF-8
/// (prost refuses that too).
/// </summary>
internal static class SealedSenderProto
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Runs <paramref name="build"/> on the decoded fields; any malformation reaches <paramref name="fail"/>.</summary>
    public static T Decode<T>(ReadOnlyMemory<byte> serialized, Func<List<ProtoField>, T> build, Func<Exception, ProtocolException> fail)
    {
        try
        {
            return build(ProtoReader.Read(serialized));
        }
        catch (Exception e) when (e is FormatException or InvalidKeyException or ArgumentException or OverflowException)
        {
            // ArgumentException covers DecoderFallbackException (invalid UTF-8).
            throw fail(e);
        }
    }

    public static byte[] RequiredBytes(List<ProtoField> fields, int number) =>
        (ProtoReader.Bytes(fields, number) ?? throw new FormatException($"missing field {number}")).ToArray();

    public static uint RequiredUInt32(List<ProtoField> fields, int number)
    {
        var value = ProtoReader.UInt64(fields, number) ?? throw new FormatException($"missing field {number}");
        return value <= uint.MaxValue ? (uint)value : throw new FormatException($"field {number} exceeds 32 bits");
    }

    public static string? OptionalString(List<ProtoField> fields, int number) =>
        ProtoReader.Bytes(fields, number) is { } bytes ? StrictUtf8.GetString(bytes.Span) : null;

    public static byte[] Utf8(string value) => StrictUtf8.GetBytes(value);
}
