using System.Security.Cryptography;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol.Groups;

/// <summary>
/// Sender keys, as libsignal's <c>group_cipher.rs</c>: each member encrypts a group message once with
/// its own chain (one per distribution id) and hands the chain to the other members with a
/// <see cref="SenderKeyDistributionMessage"/> sent over their 1:1 sessions. Every operation works on
/// a copy of the stored <see cref="SenderKeyRecord"/> and stores it only on success, so a rejected
/// message (tampered, replayed, unknown, too far ahead) leaves the record exactly as it was.
/// </summary>
/// <remarks>
/// Like <see cref="SessionCipher"/>, each call loads, changes and stores one record: callers must not
/// run two operations on the same (sender, distribution id) at the same time.
/// </remarks>
public sealed class GroupCipher
{
    private readonly ISenderKeyStore _store;

    /// <summary>Creates a cipher over <paramref name="store"/>.</summary>
    public GroupCipher(ISenderKeyStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// The distribution message for our own chain of <paramref name="distributionId"/>, creating the
    /// chain (random 31-bit chain id, random chain key, new signing key pair) if we have none. It
    /// carries the chain at its current iteration: send it to each member before our next message.
    /// Our chains are stored under our own address <paramref name="self"/> (this device);
    /// <paramref name="distributionId"/> is our sending key's id, e.g. one random id per group.
    /// </summary>
    public async Task<SenderKeyDistributionMessage> CreateDistributionMessageAsync(ProtocolAddress self, Guid distributionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(self);
        var record = await _store.LoadSenderKeyAsync(self, distributionId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            record = new SenderKeyRecord();
            AddNewChain(record);
            await _store.StoreSenderKeyAsync(self, distributionId, record, cancellationToken).ConfigureAwait(false);
        }
        return DistributionMessage(record, distributionId);
    }

    /// <summary>
    /// Starts a new chain for our <paramref name="distributionId"/> (new chain id, chain key and signing
    /// key) and returns its distribution message. Whoever does not receive it cannot read what we send
    /// from now on: this is how a removed member is shut out. Earlier chains stay in the record (up to
    /// <see cref="State.Limits.MaxSenderKeyStates"/>) but are never used for sending again.
    /// </summary>
    public async Task<SenderKeyDistributionMessage> RotateAsync(ProtocolAddress self, Guid distributionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(self);
        var record = (await _store.LoadSenderKeyAsync(self, distributionId, cancellationToken).ConfigureAwait(false))?.Clone() ?? new SenderKeyRecord();
        AddNewChain(record);
        await _store.StoreSenderKeyAsync(self, distributionId, record, cancellationToken).ConfigureAwait(false);
        return DistributionMessage(record, distributionId);
    }

    /// <summary>
    /// Stores the chain a member sent us. Processing a distribution message for a chain we already
    /// hold changes nothing but its position (it never rewinds the chain), so replaying an old one
    /// cannot make used keys usable again. <paramref name="sender"/> is the member's device the message
    /// came from, as authenticated by the 1:1 session it arrived on.
    /// </summary>
    public async Task ProcessDistributionMessageAsync(ProtocolAddress sender, SenderKeyDistributionMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(message);
        var record = (await _store.LoadSenderKeyAsync(sender, message.DistributionId, cancellationToken).ConfigureAwait(false))?.Clone() ?? new SenderKeyRecord();
        record.AddState(message.MessageVersion, message.ChainId, message.Iteration, message.ChainKey.ToArray(), message.SigningKey, null);
        await _store.StoreSenderKeyAsync(sender, message.DistributionId, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with our newest chain of <paramref name="distributionId"/> and signs it.</summary>
    /// <exception cref="NoSenderKeyStateException">No record: call <see cref="CreateDistributionMessageAsync"/> (and distribute it) first.</exception>
    /// <exception cref="InvalidSenderKeySessionException">The newest chain is not ours (no private signing key) or is exhausted.</exception>
    public async Task<SenderKeyMessage> EncryptAsync(ProtocolAddress self, Guid distributionId, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(self);
        var record = (await _store.LoadSenderKeyAsync(self, distributionId, cancellationToken).ConfigureAwait(false))?.Clone()
            ?? throw new NoSenderKeyStateException(distributionId, $"no sender key for distribution {distributionId}");
        var state = record.Current ?? throw new InvalidSenderKeySessionException(distributionId, "empty sender-key record");
        var signingKey = state.SigningPrivateKey ?? throw new InvalidSenderKeySessionException(distributionId, "the newest chain has no private signing key (it is not ours)");
        var chain = state.ChainKey;
        if (chain.Index == uint.MaxValue)
        {
            throw new InvalidSenderKeySessionException(distributionId, "sender-key chain is exhausted");
        }

        var key = SenderMessageKey.Derive(chain.Index, chain.MessageKeySeedBytes());
        var ciphertext = Primitives.AesCbcEncrypt(key.CipherKey, key.Iv, plaintext.Span);
        var message = SenderKeyMessage.Create((byte)state.MessageVersion, distributionId, state.ChainId, chain.Index, ciphertext, signingKey);
        CryptographicOperations.ZeroMemory(key.CipherKey);
        state.ChainKey = chain.Next();
        await _store.StoreSenderKeyAsync(self, distributionId, record, cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>Parses and decrypts a sender-key message from <paramref name="sender"/>.</summary>
    /// <inheritdoc cref="DecryptAsync(ProtocolAddress, SenderKeyMessage, CancellationToken)"/>
    public Task<byte[]> DecryptAsync(ProtocolAddress sender, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        DecryptAsync(sender, SenderKeyMessage.Deserialize(message.Span), cancellationToken);

    /// <summary>
    /// Checks the message's signature against the chain it names, takes that iteration's key (a
    /// stored skipped key, or the chain advanced, storing the keys it skips) and decrypts.
    /// </summary>
    /// <exception cref="NoSenderKeyStateException">No record for the sender and distribution, or no chain with the message's id.</exception>
    /// <exception cref="InvalidVersionException">The message's version is not the chain's.</exception>
    /// <exception cref="InvalidSignatureException">The signature does not verify under the chain's signing key.</exception>
    /// <exception cref="DuplicateMessageException">That iteration was already decrypted (or its key was dropped).</exception>
    /// <exception cref="MessageTooFarInFutureException">More than <see cref="State.Limits.MaxForwardJumps"/> ahead of the chain.</exception>
    /// <exception cref="InvalidMessageException">Malformed, or the ciphertext does not decrypt.</exception>
    public async Task<byte[]> DecryptAsync(ProtocolAddress sender, SenderKeyMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(message);
        var distributionId = message.DistributionId;
        var record = await _store.LoadSenderKeyAsync(sender, distributionId, cancellationToken).ConfigureAwait(false)
            ?? throw new NoSenderKeyStateException(distributionId, $"no sender key from {sender} for distribution {distributionId}");
        var stored = record.FindState(message.ChainId)
            ?? throw new NoSenderKeyStateException(distributionId, $"no sender-key chain {message.ChainId} from {sender} for distribution {distributionId}");
        if (message.MessageVersion != stored.MessageVersion)
        {
            throw new InvalidVersionException($"sender-key message version {message.MessageVersion} does not match the chain's {stored.MessageVersion}");
        }
        if (!message.VerifySignature(stored.SigningKey))
        {
            throw new InvalidSignatureException("sender-key message signature does not verify");
        }

        var state = stored.Clone();
        var key = state.TakeMessageKey(message.Iteration, distributionId);
        var plaintext = Primitives.AesCbcDecrypt(key.CipherKey, key.Iv, message.Ciphertext.Span);
        CryptographicOperations.ZeroMemory(key.CipherKey);
        record.ReplaceState(stored, state);
        await _store.StoreSenderKeyAsync(sender, distributionId, record, cancellationToken).ConfigureAwait(false);
        return plaintext;
    }

    private static void AddNewChain(SenderKeyRecord record)
    {
        // 31-bit chain ids, as libsignal draws them (libsignal-protocol-java kept them in a signed int).
        var chainId = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(sizeof(uint))) >> 1;
        var chainKey = RandomNumberGenerator.GetBytes(SenderKeyDistributionMessage.ChainKeyLength);
        var signing = ECKeyPair.Generate();
        record.AddState(SenderKeyWire.CurrentVersion, chainId, 0, chainKey, signing.PublicKey, signing.PrivateKey);
    }

    private static SenderKeyDistributionMessage DistributionMessage(SenderKeyRecord record, Guid distributionId)
    {
        var state = record.Current ?? throw new InvalidSenderKeySessionException(distributionId, "empty sender-key record");
        return SenderKeyDistributionMessage.Create((byte)state.MessageVersion, distributionId, state.ChainId, state.ChainKey.Index, state.ChainKey.Key, state.SigningKey);
    }
}
