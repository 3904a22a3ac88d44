using System.Security.Cryptography;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Ratchet;

namespace Cloudy.Protocol.State;

/// <summary>
/// One Double Ratchet session with a remote device (libsignal's <c>SessionStructure</c>). Mutable,
/// but the cipher only ever mutates a clone and commits it after a successful decrypt.
/// </summary>
internal sealed class SessionState
{
    public SessionState(uint version, IdentityKey localIdentity, IdentityKey? remoteIdentity, byte[] rootKey, byte[] aliceBaseKey)
    {
        SessionVersion = version;
        LocalIdentity = localIdentity;
        RemoteIdentity = remoteIdentity;
        RootKey = rootKey;
        AliceBaseKey = aliceBaseKey;
    }

    public uint SessionVersion { get; set; }

    public IdentityKey LocalIdentity { get; set; }

    public IdentityKey? RemoteIdentity { get; set; }

    public byte[] RootKey { get; set; }

    public uint PreviousCounter { get; set; }

    public SenderChain? Sender { get; set; }

    /// <summary>Oldest first; trimmed from the front beyond <see cref="Limits.MaxReceiverChains"/>.</summary>
    public List<ReceiverChain> ReceiverChains { get; } = [];

    public PendingPreKey? PendingPreKey { get; set; }

    public PendingKyberPreKey? PendingKyberPreKey { get; set; }

    public uint RemoteRegistrationId { get; set; }

    public uint LocalRegistrationId { get; set; }

    /// <summary>Serialized base key of the session's initiator; identifies the session for PreKey messages.</summary>
    public byte[] AliceBaseKey { get; set; }

    public void SetSenderChain(ECKeyPair ratchetKey, ChainKey chainKey) => Sender = new SenderChain(ratchetKey, chainKey);

    public ReceiverChain? FindReceiverChain(ECPublicKey theirRatchetKey)
    {
        foreach (var chain in ReceiverChains)
        {
            if (chain.RatchetKey.Equals(theirRatchetKey))
            {
                return chain;
            }
        }
        return null;
    }

    public void AddReceiverChain(ECPublicKey theirRatchetKey, ChainKey chainKey)
    {
        ReceiverChains.Add(new ReceiverChain(theirRatchetKey) { ChainKey = chainKey });
        if (ReceiverChains.Count > Limits.MaxReceiverChains)
        {
            ReceiverChains.RemoveAt(0);
        }
    }

    public void ClearUnacknowledgedPreKeyMessage()
    {
        PendingPreKey = null;
        PendingKyberPreKey = null;
    }

    public SessionState Clone()
    {
        var copy = new SessionState(SessionVersion, LocalIdentity, RemoteIdentity, (byte[])RootKey.Clone(), (byte[])AliceBaseKey.Clone())
        {
            PreviousCounter = PreviousCounter,
            Sender = Sender,
            PendingPreKey = PendingPreKey,
            PendingKyberPreKey = PendingKyberPreKey,
            RemoteRegistrationId = RemoteRegistrationId,
            LocalRegistrationId = LocalRegistrationId,
        };
        foreach (var chain in ReceiverChains)
        {
            copy.ReceiverChains.Add(chain.Clone());
        }
        return copy;
    }

    public bool HasSameBaseKey(uint version, ReadOnlySpan<byte> aliceBaseKey) =>
        SessionVersion == version && CryptographicOperations.FixedTimeEquals(AliceBaseKey, aliceBaseKey);
}

/// <summary>Our current sending ratchet key pair and chain (immutable; replaced on every step).</summary>
internal sealed record SenderChain(ECKeyPair RatchetKey, ChainKey ChainKey);

/// <summary>A receiving chain: their ratchet key, the next chain key, and skipped message keys (newest first).</summary>
internal sealed class ReceiverChain(ECPublicKey ratchetKey)
{
    public ECPublicKey RatchetKey { get; } = ratchetKey;

    public required ChainKey ChainKey { get; set; }

    /// <summary>Skipped-message key seeds, newest first, at most <see cref="Limits.MaxMessageKeys"/>.</summary>
    public List<StoredMessageKey> MessageKeys { get; } = [];

    public ReceiverChain Clone()
    {
        var copy = new ReceiverChain(RatchetKey) { ChainKey = ChainKey };
        copy.MessageKeys.AddRange(MessageKeys);
        return copy;
    }
}

/// <summary>A stored skipped-message key: either the 32-byte seed (what libsignal stores today) or derived keys.</summary>
internal sealed record StoredMessageKey(uint Index, byte[]? Seed, MessageKeys? Keys)
{
    public MessageKeys Derive() => Keys ?? Ratchet.MessageKeys.Derive(Seed!, Index);
}

/// <summary>What Alice must repeat in every message until Bob answers (the PreKeySignalMessage fields).</summary>
internal sealed record PendingPreKey(uint? PreKeyId, uint SignedPreKeyId, byte[] BaseKey, ulong TimestampSeconds);

/// <summary>The Kyber prekey id and KEM ciphertext Alice must repeat until Bob answers.</summary>
internal sealed record PendingKyberPreKey(uint PreKeyId, byte[] Ciphertext);

/// <summary>libsignal's bounds (rust/protocol/src/consts.rs at v0.72.1).</summary>
public static class Limits
{
    /// <summary>Furthest a message counter may jump ahead in one chain (a session's receiver chain or a sender-key chain).</summary>
    public const int MaxForwardJumps = 25_000;

    /// <summary>Skipped message keys kept per receiver chain and per sender-key chain (oldest dropped).</summary>
    public const int MaxMessageKeys = 2000;

    /// <summary>Receiver chains kept per session.</summary>
    public const int MaxReceiverChains = 5;

    /// <summary>Sender-key chains (states) kept per (sender, distribution id) record, newest first.</summary>
    public const int MaxSenderKeyStates = 5;

    /// <summary>Previous (archived) sessions kept per record.</summary>
    public const int ArchivedStatesMaxLength = 40;

    /// <summary>An unanswered session older than this is no longer used for sending (30 days).</summary>
    public static readonly TimeSpan MaxUnacknowledgedSessionAge = TimeSpan.FromDays(30);
}
