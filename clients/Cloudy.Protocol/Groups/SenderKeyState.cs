using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;
using Cloudy.Protocol.Ratchet;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Groups;

/// <summary>
/// One chain of one sender's distribution (libsignal's <c>SenderKeyStateStructure</c>): the chain key
/// at the next expected iteration, the signing key (private half only in our own sending state) and
/// the keys of skipped messages, oldest first, at most <see cref="Limits.MaxMessageKeys"/>.
/// </summary>
internal sealed class SenderKeyState
{
    private SenderKeyState(uint rawMessageVersion, uint chainId, ChainKey chainKey, ECPublicKey signingKey, ECPrivateKey? signingPrivateKey, List<StoredSenderMessageKey> messageKeys)
    {
        RawMessageVersion = rawMessageVersion;
        ChainId = chainId;
        ChainKey = chainKey;
        SigningKey = signingKey;
        SigningPrivateKey = signingPrivateKey;
        MessageKeys = messageKeys;
    }

    public SenderKeyState(byte messageVersion, uint chainId, uint iteration, byte[] chainKey, ECPublicKey signingKey, ECPrivateKey? signingPrivateKey)
        : this(messageVersion, chainId, new ChainKey(chainKey, iteration), signingKey, signingPrivateKey, [])
    {
    }

    /// <summary>As stored; kept as read so that a record re-serializes byte for byte.</summary>
    public uint RawMessageVersion { get; }

    /// <summary>libsignal reads an absent (0) version as 3, the first sender-key version.</summary>
    public uint MessageVersion => RawMessageVersion == 0 ? SenderKeyWire.CurrentVersion : RawMessageVersion;

    public uint ChainId { get; }

    /// <summary>The chain key of the next message to send or to expect; its index is that message's iteration.</summary>
    public ChainKey ChainKey { get; set; }

    public ECPublicKey SigningKey { get; }

    /// <summary>Present only in the state of our own distribution.</summary>
    public ECPrivateKey? SigningPrivateKey { get; }

    /// <summary>Skipped messages' keys, oldest first (libsignal appends and drops from the front).</summary>
    public List<StoredSenderMessageKey> MessageKeys { get; }

    public SenderKeyState Clone() => new(RawMessageVersion, ChainId, ChainKey, SigningKey, SigningPrivateKey, [.. MessageKeys]);

    /// <summary>
    /// The key for <paramref name="iteration"/>: a stored skipped key (removed, so it works once), or
    /// the chain advanced to it, storing the keys it skips. Mutates this state: callers work on a copy.
    /// </summary>
    /// <exception cref="DuplicateMessageException">Below the chain and not a stored skipped key.</exception>
    /// <exception cref="MessageTooFarInFutureException">More than <see cref="Limits.MaxForwardJumps"/> ahead.</exception>
    /// <exception cref="InvalidSenderKeySessionException">The chain cannot advance past <see cref="uint.MaxValue"/>.</exception>
    public SenderMessageKey TakeMessageKey(uint iteration, Guid distributionId)
    {
        var chain = ChainKey;
        if (chain.Index > iteration)
        {
            var position = MessageKeys.FindIndex(k => k.Iteration == iteration);
            if (position < 0)
            {
                throw new DuplicateMessageException($"duplicate sender-key message (iteration {iteration}, chain at {chain.Index})");
            }
            var stored = MessageKeys[position];
            MessageKeys.RemoveAt(position);
            return SenderMessageKey.Derive(stored.Iteration, stored.Seed);
        }
        var jump = iteration - chain.Index;
        if (jump > Limits.MaxForwardJumps)
        {
            throw new MessageTooFarInFutureException(chain.Index, iteration);
        }
        if (iteration == uint.MaxValue)
        {
            throw new InvalidSenderKeySessionException(distributionId, "sender-key chain is exhausted");
        }

        // libsignal stores every skipped key and drops the oldest beyond the limit; only the newest
        // MaxMessageKeys can survive, so derive seeds for those alone (same result, fewer HMACs).
        var firstKept = jump > Limits.MaxMessageKeys ? iteration - (uint)Limits.MaxMessageKeys : chain.Index;
        while (chain.Index < iteration)
        {
            if (chain.Index >= firstKept)
            {
                MessageKeys.Add(new StoredSenderMessageKey(chain.Index, chain.MessageKeySeedBytes()));
            }
            chain = chain.Next();
        }
        if (MessageKeys.Count > Limits.MaxMessageKeys)
        {
            MessageKeys.RemoveRange(0, MessageKeys.Count - Limits.MaxMessageKeys);
        }
        ChainKey = chain.Next();
        return SenderMessageKey.Derive(iteration, chain.MessageKeySeedBytes());
    }

    /// <summary>
    /// <c>SenderKeyStateStructure {1: chain_id, 2: {1: iteration, 2: seed}, 3: {1: public, 2: private},
    /// 4: repeated {1: iteration, 2: seed}, 5: message_version}</c>, proto3, fields in number order.
    /// </summary>
    public ProtoWriter Writer()
    {
        var w = new ProtoWriter()
            .WriteUInt32IfNotZero(1, ChainId)
            .WriteMessage(2, new ProtoWriter().WriteUInt32IfNotZero(1, ChainKey.Index).WriteBytesIfNotEmpty(2, ChainKey.Key));
        var signing = new ProtoWriter().WriteBytes(1, SigningKey.Serialize());
        if (SigningPrivateKey is not null)
        {
            signing.WriteBytes(2, SigningPrivateKey.KeyBytes);
        }
        w.WriteMessage(3, signing);
        foreach (var key in MessageKeys)
        {
            w.WriteMessage(4, new ProtoWriter().WriteUInt32IfNotZero(1, key.Iteration).WriteBytesIfNotEmpty(2, key.Seed));
        }
        return w.WriteUInt32IfNotZero(5, RawMessageVersion);
    }

    /// <summary>Decodes and validates one state; <see cref="FormatException"/> or <see cref="InvalidKeyException"/> when malformed.</summary>
    public static SenderKeyState Decode(ReadOnlyMemory<byte> data)
    {
        var f = ProtoReader.Read(data);
        var chain = ProtoReader.Read(ProtoReader.Bytes(f, 2) ?? throw new FormatException("sender-key state without chain key"));
        var chainKey = new ChainKey(Seed(chain), ProtoReader.UInt32(chain, 1) ?? 0);
        var signing = ProtoReader.Read(ProtoReader.Bytes(f, 3) ?? throw new FormatException("sender-key state without signing key"));
        var signingKey = ECPublicKey.Deserialize((ProtoReader.Bytes(signing, 1) ?? default).Span);
        var privateBytes = ProtoReader.Bytes(signing, 2) ?? default;
        var signingPrivateKey = privateBytes.IsEmpty ? null : ECPrivateKey.Deserialize(privateBytes.Span);
        var messageKeys = new List<StoredSenderMessageKey>();
        foreach (var keyBytes in ProtoReader.Repeated(f, 4))
        {
            var key = ProtoReader.Read(keyBytes);
            messageKeys.Add(new StoredSenderMessageKey(ProtoReader.UInt32(key, 1) ?? 0, Seed(key)));
        }
        return new SenderKeyState(ProtoReader.UInt32(f, 5) ?? 0, ProtoReader.UInt32(f, 1) ?? 0, chainKey, signingKey, signingPrivateKey, messageKeys);
    }

    private static byte[] Seed(List<ProtoField> fields)
    {
        var seed = ProtoReader.Bytes(fields, 2) ?? default;
        return seed.Length == 32 ? seed.ToArray() : throw new FormatException("sender-key seed must be 32 bytes");
    }
}
