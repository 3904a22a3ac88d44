namespace Cloudy.Protocol.Fingerprints;

/// <summary>Base type of every error raised while building, decoding or comparing safety numbers.</summary>
public abstract class FingerprintException : ProtocolException
{
    /// <summary>Creates the exception with a message.</summary>
    protected FingerprintException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>A scannable fingerprint could not be decoded (malformed protobuf or a missing field).</summary>
public sealed class FingerprintParsingException : FingerprintException
{
    /// <summary>Creates the exception.</summary>
    public FingerprintParsingException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The other side's scannable fingerprint uses another fingerprint version, so the comparison is
/// meaningless (libsignal reports the same condition as <c>VersionMismatch</c>).
/// </summary>
public sealed class FingerprintVersionMismatchException : FingerprintException
{
    /// <summary>Creates the exception.</summary>
    public FingerprintVersionMismatchException(uint theirs, uint ours)
        : base($"Fingerprint version mismatch: theirs {theirs}, ours {ours}.")
    {
        Theirs = theirs;
        Ours = ours;
    }

    /// <summary>The version found in the other side's encoding (0 when absent, as in libsignal).</summary>
    public uint Theirs { get; }

    /// <summary>Our version.</summary>
    public uint Ours { get; }
}
