using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.Groups;

/// <summary>
/// Hands a sender's current group sending key to one recipient (sent to each member inside a 1:1
/// session, which is what authenticates and encrypts it):
/// <c>0x33 ‖ protobuf SenderKeyDistributionMessage {1: distribution_uuid (16), 2: chain_id, 3: iteration, 4: chain_key (32), 5: signing_key (33)}</c>.
/// It carries the chain key at the sender's <em>current</em> iteration, so a new member cannot read earlier messages.
/// </summary>
public sealed class SenderKeyDistributionMessage
{
    /// <summary>Chain key length.</summary>
    public const int ChainKeyLength = 32;

    private readonly byte[] _chainKey;
    private readonly byte[] _serialized;

    private SenderKeyDistributionMessage(byte version, Guid distributionId, uint chainId, uint iteration, byte[] chainKey, ECPublicKey signingKey, byte[] serialized)
    {
        MessageVersion = version;
        DistributionId = distributionId;
        ChainId = chainId;
        Iteration = iteration;
        _chainKey = chainKey;
        SigningKey = signingKey;
        _serialized = serialized;
    }

    /// <summary>High nibble of the version byte (3).</summary>
    public byte MessageVersion { get; }

    /// <summary>The distribution (one of the sender's group sending keys).</summary>
    public Guid DistributionId { get; }

    /// <summary>The chain (state) this key starts; random 31-bit value chosen by the sender.</summary>
    public uint ChainId { get; }

    /// <summary>The iteration <see cref="ChainKey"/> is at.</summary>
    public uint Iteration { get; }

    /// <summary>The chain key: whoever holds it reads every later message of the chain. Treat as secret.</summary>
    internal ReadOnlySpan<byte> ChainKey => _chainKey;

    /// <summary>The key every message of the chain is signed with.</summary>
    public ECPublicKey SigningKey { get; }

    /// <summary>The bytes to send (inside an end-to-end encrypted 1:1 message).</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal static SenderKeyDistributionMessage Create(byte version, Guid distributionId, uint chainId, uint iteration, byte[] chainKey, ECPublicKey signingKey)
    {
        var body = new ProtoWriter()
            .WriteBytes(1, SenderKeyWire.UuidBytes(distributionId))
            .WriteUInt32(2, chainId)
            .WriteUInt32(3, iteration)
            .WriteBytes(4, chainKey)
            .WriteBytes(5, signingKey.Serialize())
            .ToArray();
        var serialized = new byte[1 + body.Length];
        serialized[0] = SenderKeyWire.VersionByte(version);
        body.CopyTo(serialized, 1);
        return new SenderKeyDistributionMessage(version, distributionId, chainId, iteration, (byte[])chainKey.Clone(), signingKey, serialized);
    }

    /// <summary>Parses and validates wire bytes.</summary>
    /// <exception cref="InvalidMessageException">Too short, malformed, wrong key sizes or an invalid signing key.</exception>
    /// <exception cref="InvalidVersionException">Not version 3.</exception>
    public static SenderKeyDistributionMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        // libsignal's floor: a version byte, at least an X25519 key and a chain key.
        if (serialized.Length < 1 + 32 + ChainKeyLength)
        {
            throw new InvalidMessageException($"sender-key distribution message too short ({serialized.Length} bytes)");
        }
        var version = SenderKeyWire.CheckVersion(serialized[0]);
        try
        {
            var bytes = serialized.ToArray();
            var fields = ProtoReader.Read(bytes.AsMemory(1));
            var distributionId = SenderKeyWire.ReadUuid(fields, 1);
            var chainId = SenderKeyWire.RequiredUInt32(fields, 2, "chain id");
            var iteration = SenderKeyWire.RequiredUInt32(fields, 3, "iteration");
            var chainKey = SenderKeyWire.RequiredBytes(fields, 4, "chain key");
            var signingKey = SenderKeyWire.RequiredBytes(fields, 5, "signing key");
            if (chainKey.Length != ChainKeyLength || signingKey.Length != ECPublicKey.SerializedLength)
            {
                throw new FormatException("chain key or signing key has the wrong length");
            }
            return new SenderKeyDistributionMessage(version, distributionId, chainId, iteration, chainKey.ToArray(), ECPublicKey.Deserialize(signingKey.Span), bytes);
        }
        catch (Exception e) when (e is FormatException or InvalidKeyException)
        {
            throw new InvalidMessageException("malformed SenderKeyDistributionMessage", e);
        }
    }
}
