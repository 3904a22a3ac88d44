using System.Globalization;
using System.Text;

namespace Cloudy.Protocol.Fingerprints;

/// <summary>
/// The 60-digit safety number both parties read aloud: 30 digits per identity, the two halves
/// ordered so that both sides display the same string (libsignal's <c>DisplayableFingerprint</c>).
/// </summary>
public sealed class DisplayableFingerprint
{
    /// <summary>Bytes of a fingerprint hash that feed the displayed digits: six 5-byte chunks.</summary>
    internal const int EncodedBytes = 30;

    private const int ChunkBytes = 5;
    private const ulong ChunkModulus = 100_000;

    internal DisplayableFingerprint(ReadOnlySpan<byte> localFingerprint, ReadOnlySpan<byte> remoteFingerprint)
    {
        Local = Encode(localFingerprint);
        Remote = Encode(remoteFingerprint);

        // Ordinal order of the two digit strings, exactly as libsignal compares them, so the
        // result does not depend on which side computes it.
        Value = string.CompareOrdinal(Local, Remote) < 0 ? Local + Remote : Remote + Local;
    }

    /// <summary>Our 30 digits.</summary>
    public string Local { get; }

    /// <summary>The other party's 30 digits.</summary>
    public string Remote { get; }

    /// <summary>The 60 digits shown to the user.</summary>
    public string Value { get; }

    /// <summary>The 60 digits as 12 groups of 5, separated by spaces, for display.</summary>
    public string ToGroupedString()
    {
        var sb = new StringBuilder(Value.Length + (Value.Length / ChunkBytes));
        for (var i = 0; i < Value.Length; i += ChunkBytes)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            sb.Append(Value, i, ChunkBytes);
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string Encode(ReadOnlySpan<byte> fingerprint)
    {
        if (fingerprint.Length < EncodedBytes)
        {
            throw new FingerprintParsingException("Fingerprint hash is shorter than 30 bytes.");
        }

        var sb = new StringBuilder(EncodedBytes);
        for (var offset = 0; offset < EncodedBytes; offset += ChunkBytes)
        {
            ulong chunk = 0;
            foreach (var b in fingerprint.Slice(offset, ChunkBytes))
            {
                chunk = (chunk << 8) | b;
            }

            sb.Append((chunk % ChunkModulus).ToString("D5", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
