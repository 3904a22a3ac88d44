using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.Groups;

/// <summary>
/// A group message encrypted with a sender key (libsignal ciphertext type 7):
/// <c>0x33 ‖ protobuf SenderKeyMessage {1: distribution_uuid (16), 2: chain_id, 3: iteration, 4: ciphertext} ‖ signature (64)</c>,
/// the signature being XEdDSA by the sender's signing key over everything before it.
/// </summary>
public sealed class SenderKeyMessage
{
    /// <summary>XEdDSA signature length.</summary>
    public const int SignatureLength = 64;

    private readonly byte[] _serialized;

    private SenderKeyMessage(byte version, Guid distributionId, uint chainId, uint iteration, ReadOnlyMemory<byte> ciphertext, byte[] serialized)
    {
        MessageVersion = version;
        DistributionId = distributionId;
        ChainId = chainId;
        Iteration = iteration;
        Ciphertext = ciphertext;
        _serialized = serialized;
    }

    /// <summary>High nibble of the version byte (3).</summary>
    public byte MessageVersion { get; }

    /// <summary>Which of the sender's group sending keys this message uses (one per group, chosen by the sender).</summary>
    public Guid DistributionId { get; }

    /// <summary>Which chain (state) of that distribution; a new one after each rotation.</summary>
    public uint ChainId { get; }

    /// <summary>Index of this message in the chain.</summary>
    public uint Iteration { get; }

    /// <summary>AES-256-CBC ciphertext (PKCS#7 padded).</summary>
    public ReadOnlyMemory<byte> Ciphertext { get; }

    /// <summary>The bytes on the wire.</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal static SenderKeyMessage Create(byte version, Guid distributionId, uint chainId, uint iteration, byte[] ciphertext, ECPrivateKey signingKey)
    {
        // proto2 optional fields: written even when zero (iteration 0), in field order, as prost does.
        var body = new ProtoWriter()
            .WriteBytes(1, SenderKeyWire.UuidBytes(distributionId))
            .WriteUInt32(2, chainId)
            .WriteUInt32(3, iteration)
            .WriteBytes(4, ciphertext)
            .ToArray();
        var serialized = new byte[1 + body.Length + SignatureLength];
        serialized[0] = SenderKeyWire.VersionByte(version);
        body.CopyTo(serialized, 1);
        signingKey.CalculateSignature(serialized.AsSpan(0, 1 + body.Length)).CopyTo(serialized, 1 + body.Length);
        return new SenderKeyMessage(SenderKeyWire.CurrentVersion, distributionId, chainId, iteration, ciphertext, serialized);
    }

    /// <summary>Parses wire bytes (structure only; the signature is checked on decryption, against the chain's key).</summary>
    /// <exception cref="InvalidMessageException">Too short or malformed.</exception>
    /// <exception cref="InvalidVersionException">Not version 3.</exception>
    public static SenderKeyMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 1 + SignatureLength)
        {
            throw new InvalidMessageException($"sender-key message too short ({serialized.Length} bytes)");
        }
        var version = SenderKeyWire.CheckVersion(serialized[0]);
        try
        {
            var bytes = serialized.ToArray();
            var fields = ProtoReader.Read(bytes.AsMemory(1, bytes.Length - 1 - SignatureLength));
            var distributionId = SenderKeyWire.ReadUuid(fields, 1);
            var chainId = SenderKeyWire.RequiredUInt32(fields, 2, "chain id");
            var iteration = SenderKeyWire.RequiredUInt32(fields, 3, "iteration");
            var ciphertext = SenderKeyWire.RequiredBytes(fields, 4, "ciphertext");
            return new SenderKeyMessage(version, distributionId, chainId, iteration, ciphertext, bytes);
        }
        catch (FormatException e)
        {
            throw new InvalidMessageException("malformed SenderKeyMessage", e);
        }
    }

    /// <summary>Whether the trailing signature was made by <paramref name="signingKey"/> over the rest.</summary>
    public bool VerifySignature(ECPublicKey signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        var split = _serialized.Length - SignatureLength;
        return signingKey.VerifySignature(_serialized.AsSpan(0, split), _serialized.AsSpan(split));
    }
}
