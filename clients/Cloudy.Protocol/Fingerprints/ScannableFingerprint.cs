using System.Security.Cryptography;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.Fingerprints;

/// <summary>
/// The QR-code form of a safety number: libsignal's protobuf
/// <c>CombinedFingerprints { uint32 version = 1; LogicalFingerprint local_fingerprint = 2;
/// LogicalFingerprint remote_fingerprint = 3; }</c> with <c>LogicalFingerprint { bytes content = 1; }</c>
/// holding the first 32 bytes of each side's fingerprint hash.
/// </summary>
public sealed class ScannableFingerprint
{
    /// <summary>Bytes of each fingerprint hash carried in the scannable form.</summary>
    public const int ContentLength = 32;

    private const int VersionField = 1;
    private const int LocalField = 2;
    private const int RemoteField = 3;
    private const int ContentField = 1;

    private readonly byte[] _local;
    private readonly byte[] _remote;

    private ScannableFingerprint(uint version, byte[] local, byte[] remote)
    {
        Version = version;
        _local = local;
        _remote = remote;
    }

    /// <summary>The fingerprint version (the scannable encoding carries it; the digits do not).</summary>
    public uint Version { get; }

    /// <summary>Our 32 bytes.</summary>
    public ReadOnlyMemory<byte> LocalFingerprint => _local;

    /// <summary>The other party's 32 bytes.</summary>
    public ReadOnlyMemory<byte> RemoteFingerprint => _remote;

    /// <summary>Builds the scannable form from two full fingerprint hashes (truncated to 32 bytes).</summary>
    internal static ScannableFingerprint FromHashes(uint version, ReadOnlySpan<byte> local, ReadOnlySpan<byte> remote) =>
        new(version, local[..ContentLength].ToArray(), remote[..ContentLength].ToArray());

    /// <summary>Encodes the protobuf exactly as libsignal does (field order 1, 2, 3).</summary>
    public byte[] Serialize() => new ProtoWriter()
        .WriteUInt32(VersionField, Version)
        .WriteBytes(LocalField, new ProtoWriter().WriteBytes(ContentField, _local).ToArray())
        .WriteBytes(RemoteField, new ProtoWriter().WriteBytes(ContentField, _remote).ToArray())
        .ToArray();

    /// <summary>
    /// Decodes a scannable fingerprint. Fields must be present (libsignal's rules); unknown fields
    /// are skipped as protobuf requires.
    /// </summary>
    /// <exception cref="FingerprintParsingException">The bytes are not a valid encoding.</exception>
    public static ScannableFingerprint Deserialize(ReadOnlySpan<byte> encoded)
    {
        var parsed = Parse(encoded);
        return new ScannableFingerprint(
            parsed.Version ?? throw new FingerprintParsingException("Missing fingerprint version."),
            parsed.Local ?? throw new FingerprintParsingException("Missing local fingerprint."),
            parsed.Remote ?? throw new FingerprintParsingException("Missing remote fingerprint."));
    }

    /// <summary>
    /// Compares the encoding scanned from the other device with ours: their "local" must equal our
    /// "remote" and vice versa. Both halves are compared in constant time and always both evaluated.
    /// </summary>
    /// <returns><c>true</c> when both identities match.</returns>
    /// <exception cref="FingerprintVersionMismatchException">Their version differs from ours.</exception>
    /// <exception cref="FingerprintParsingException">Their encoding is malformed or incomplete.</exception>
    public bool Compare(ReadOnlySpan<byte> theirEncoding)
    {
        var theirs = Parse(theirEncoding);

        // libsignal treats an absent version as 0 here (and only here).
        var theirVersion = theirs.Version ?? 0;
        if (theirVersion != Version)
        {
            throw new FingerprintVersionMismatchException(theirVersion, Version);
        }

        var theirLocal = theirs.Local ?? throw new FingerprintParsingException("Missing their local fingerprint.");
        var theirRemote = theirs.Remote ?? throw new FingerprintParsingException("Missing their remote fingerprint.");

        var same1 = CryptographicOperations.FixedTimeEquals(theirLocal, _remote);
        var same2 = CryptographicOperations.FixedTimeEquals(theirRemote, _local);
        return same1 & same2;
    }

    /// <summary>Compares with another decoded scannable fingerprint (see <see cref="Compare(ReadOnlySpan{byte})"/>).</summary>
    public bool Compare(ScannableFingerprint theirs)
    {
        ArgumentNullException.ThrowIfNull(theirs);
        return Compare(theirs.Serialize());
    }

    private static Parsed Parse(ReadOnlySpan<byte> encoded)
    {
        try
        {
            var fields = ProtoReader.Read(encoded.ToArray());
            return new Parsed(
                ProtoReader.UInt32(fields, VersionField),
                MergeLogicalFingerprints(fields, LocalField),
                MergeLogicalFingerprints(fields, RemoteField));
        }
        catch (FormatException e)
        {
            throw new FingerprintParsingException("Malformed scannable fingerprint.", e);
        }
    }

    /// <summary>
    /// Reads a <c>LogicalFingerprint</c> field; repeated occurrences of an embedded message merge
    /// (protobuf semantics, as prost decodes them), so a later occurrence without content keeps
    /// the earlier content.
    /// </summary>
    private static byte[]? MergeLogicalFingerprints(List<ProtoField> fields, int number)
    {
        byte[]? content = null;
        foreach (var message in ProtoReader.Repeated(fields, number))
        {
            var inner = ProtoReader.Bytes(ProtoReader.Read(message), ContentField);
            if (inner is { } bytes)
            {
                content = bytes.ToArray();
            }
        }

        return content;
    }

    private sealed record Parsed(uint? Version, byte[]? Local, byte[]? Remote);
}
