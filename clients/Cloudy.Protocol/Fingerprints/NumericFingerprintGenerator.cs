using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.Fingerprints;

/// <summary>
/// Signal's numeric safety numbers (libsignal <c>NumericFingerprintGenerator</c> / <c>Fingerprint::new</c>):
/// for each identity, SHA-512 over <c>0x0000 || key || stableId || key</c>, then
/// <c>hash = SHA-512(hash || key)</c> until <see cref="Iterations"/> rounds are done.
/// </summary>
public sealed class NumericFingerprintGenerator
{
    /// <summary>The iteration count Signal's apps use (&gt; 112 bits of security per libsignal).</summary>
    public const int DefaultIterations = 5200;

    /// <summary>
    /// The scannable version Cloudy uses: 2, Signal's version for service-id based identifiers
    /// (our stable identifier is the account id). The digits do not depend on it.
    /// </summary>
    public const uint DefaultVersion = 2;

    /// <summary>Length of a serialized identity key: the 0x05 (DJB) type byte and 32 key bytes.</summary>
    public const int SerializedKeyLength = 33;

    private const byte DjbKeyType = 0x05;
    private const int MaxIterations = 1_000_000;
    private const ushort HashVersion = 0;

    /// <summary>Creates a generator.</summary>
    /// <param name="iterations">Rounds of SHA-512; must match on both sides (libsignal allows 2..1,000,000).</param>
    public NumericFingerprintGenerator(int iterations = DefaultIterations)
    {
        if (iterations <= 1 || iterations > MaxIterations)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "Iterations must be in 2..1000000.");
        }

        Iterations = iterations;
    }

    /// <summary>The SHA-512 round count.</summary>
    public int Iterations { get; }

    /// <summary>Computes the safety number of a conversation.</summary>
    /// <param name="version">Scannable version (see <see cref="DefaultVersion"/>).</param>
    /// <param name="localStableId">Our stable identifier bytes (e.g. account id).</param>
    /// <param name="localIdentityKey">Our serialized identity public key (33 bytes, 0x05 prefix).</param>
    /// <param name="remoteStableId">The other party's stable identifier bytes.</param>
    /// <param name="remoteIdentityKey">The other party's serialized identity public key.</param>
    public Fingerprint CreateFor(
        uint version,
        ReadOnlySpan<byte> localStableId,
        ReadOnlySpan<byte> localIdentityKey,
        ReadOnlySpan<byte> remoteStableId,
        ReadOnlySpan<byte> remoteIdentityKey)
    {
        Span<byte> local = stackalloc byte[SHA512.HashSizeInBytes];
        Span<byte> remote = stackalloc byte[SHA512.HashSizeInBytes];
        Hash(localStableId, localIdentityKey, local, nameof(localIdentityKey));
        Hash(remoteStableId, remoteIdentityKey, remote, nameof(remoteIdentityKey));

        return new Fingerprint(
            new DisplayableFingerprint(local, remote),
            ScannableFingerprint.FromHashes(version, local, remote));
    }

    /// <summary>Computes the safety number of a conversation from identity keys.</summary>
    public Fingerprint CreateFor(uint version, ReadOnlySpan<byte> localStableId, IdentityKey localIdentityKey, ReadOnlySpan<byte> remoteStableId, IdentityKey remoteIdentityKey)
    {
        ArgumentNullException.ThrowIfNull(localIdentityKey);
        ArgumentNullException.ThrowIfNull(remoteIdentityKey);
        return CreateFor(version, localStableId, localIdentityKey.Serialize(), remoteStableId, remoteIdentityKey.Serialize());
    }

    private void Hash(ReadOnlySpan<byte> stableId, ReadOnlySpan<byte> key, Span<byte> hash, string parameter)
    {
        if (key.Length != SerializedKeyLength || key[0] != DjbKeyType)
        {
            throw new ArgumentException("Identity key must be 33 bytes with the 0x05 type prefix.", parameter);
        }

        using (var first = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
        {
            Span<byte> hashVersion = stackalloc byte[sizeof(ushort)];
            BinaryPrimitives.WriteUInt16BigEndian(hashVersion, HashVersion);
            first.AppendData(hashVersion);
            first.AppendData(key);
            first.AppendData(stableId);
            first.AppendData(key);
            first.GetHashAndReset(hash);
        }

        // Later rounds hash a fixed 97-byte buffer; one-shot hashing of a stack buffer is the
        // fastest form the runtime offers and allocates nothing.
        Span<byte> round = stackalloc byte[SHA512.HashSizeInBytes + SerializedKeyLength];
        key.CopyTo(round[SHA512.HashSizeInBytes..]);
        for (var i = 1; i < Iterations; i++)
        {
            hash.CopyTo(round);
            SHA512.HashData(round, hash);
        }
    }
}
