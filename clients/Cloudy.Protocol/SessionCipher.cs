using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.Ratchet;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol;

/// <summary>
/// Encrypts and decrypts messages on the session with one remote device. Every operation works on
/// a copy of the stored <see cref="SessionRecord"/> and stores it only on success, so a rejected
/// (tampered, replayed, malformed) message leaves the session exactly as it was.
/// </summary>
public sealed class SessionCipher
{
    private readonly IProtocolStore _store;
    private readonly ProtocolAddress _remote;
    private readonly SessionBuilder _builder;

    /// <summary>Creates a cipher for the session with <paramref name="remote"/>.</summary>
    public SessionCipher(IProtocolStore store, ProtocolAddress remote)
    {
        _store = store;
        _remote = remote;
        _builder = new SessionBuilder(store, remote);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with the current session.</summary>
    /// <exception cref="NoSessionException">No session, or an unanswered one older than 30 days.</exception>
    /// <exception cref="UntrustedIdentityException">The peer's identity is no longer trusted.</exception>
    public async Task<CiphertextMessage> EncryptAsync(ReadOnlyMemory<byte> plaintext, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        var record = (await _store.LoadSessionAsync(_remote, cancellationToken).ConfigureAwait(false))?.Clone()
            ?? throw new NoSessionException($"no session with {_remote}");
        var state = record.Current ?? throw new NoSessionException($"no current session with {_remote}");
        var sender = state.Sender ?? throw new NoSessionException($"session with {_remote} has no sender chain");
        var remoteIdentity = state.RemoteIdentity ?? throw new InvalidRecordException("session has no remote identity");

        var chainKey = sender.ChainKey;
        var keys = chainKey.MessageKeys();
        var ciphertext = Primitives.AesCbcEncrypt(keys.CipherKey, keys.Iv, plaintext.Span);
        var version = (byte)state.SessionVersion;
        var signalMessage = SignalMessage.Create(version, keys.MacKey, sender.RatchetKey.PublicKey, chainKey.Index, state.PreviousCounter,
            ciphertext, state.LocalIdentity, remoteIdentity);

        CiphertextMessage result;
        if (state.PendingPreKey is { } pending)
        {
            // Compared in seconds so that no stored timestamp, however corrupt, can overflow a DateTimeOffset.
            var nowSeconds = (ulong)Math.Max(0, (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
            var maxAgeSeconds = (ulong)Limits.MaxUnacknowledgedSessionAge.TotalSeconds;
            if (nowSeconds > maxAgeSeconds && pending.TimestampSeconds < nowSeconds - maxAgeSeconds)
            {
                throw new NoSessionException($"stale unacknowledged session with {_remote}");
            }
            var kyber = state.PendingKyberPreKey ?? throw new InvalidRecordException("pending prekey without Kyber payload");
            var preKeyMessage = PreKeySignalMessage.Create(version, state.LocalRegistrationId, pending.PreKeyId, pending.SignedPreKeyId,
                kyber.PreKeyId, kyber.Ciphertext, Keys.ECPublicKey.Deserialize(pending.BaseKey), state.LocalIdentity, signalMessage);
            result = new CiphertextMessage(CiphertextMessageType.PreKey, preKeyMessage.Serialize());
        }
        else
        {
            result = new CiphertextMessage(CiphertextMessageType.Whisper, signalMessage.Serialize());
        }
        state.Sender = sender with { ChainKey = chainKey.Next() };

        if (!await _store.IsTrustedIdentityAsync(_remote, remoteIdentity, Direction.Sending, cancellationToken).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote);
        }
        await _store.SaveIdentityAsync(_remote, remoteIdentity, cancellationToken).ConfigureAwait(false);
        await _store.StoreSessionAsync(_remote, record, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Decrypts a message of either type.</summary>
    public Task<byte[]> DecryptAsync(CiphertextMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Type switch
        {
            CiphertextMessageType.PreKey => DecryptAsync(PreKeySignalMessage.Deserialize(message.Body), cancellationToken),
            CiphertextMessageType.Whisper => DecryptAsync(SignalMessage.Deserialize(message.Body), cancellationToken),
            _ => throw new InvalidMessageException($"unknown message type {message.Type}"),
        };
    }

    /// <summary>Decrypts a session-opening message, creating (or re-using) the session it opens.</summary>
    /// <exception cref="InvalidMessageException">Malformed or failed authentication.</exception>
    /// <exception cref="InvalidKeyIdException">It names a prekey we do not have (e.g. already used).</exception>
    /// <exception cref="UntrustedIdentityException">The sender's identity differs from the trusted one.</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    public async Task<byte[]> DecryptAsync(PreKeySignalMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var record = (await _store.LoadSessionAsync(_remote, cancellationToken).ConfigureAwait(false))?.Clone() ?? new SessionRecord();
        var used = await _builder.ProcessPreKeyMessageAsync(message, record, cancellationToken).ConfigureAwait(false);
        var plaintext = DoubleRatchet.DecryptWithRecord(record, message.Message, isPreKeyMessage: true);

        await _store.SaveIdentityAsync(_remote, message.IdentityKey, cancellationToken).ConfigureAwait(false);
        await _store.StoreSessionAsync(_remote, record, cancellationToken).ConfigureAwait(false);
        if (used.PreKeyId is { } preKeyId)
        {
            await _store.RemovePreKeyAsync(preKeyId, cancellationToken).ConfigureAwait(false);
        }
        if (used.KyberPreKeyId is { } kyberId)
        {
            await _store.MarkKyberPreKeyUsedAsync(kyberId, cancellationToken).ConfigureAwait(false);
        }
        return plaintext;
    }

    /// <summary>Decrypts a ratchet message with the current or an archived session.</summary>
    /// <exception cref="NoSessionException">No session with the sender.</exception>
    /// <exception cref="InvalidMessageException">Malformed, tampered, or from too far in the future.</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    /// <exception cref="UntrustedIdentityException">The session's identity is no longer trusted.</exception>
    public async Task<byte[]> DecryptAsync(SignalMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var record = (await _store.LoadSessionAsync(_remote, cancellationToken).ConfigureAwait(false))?.Clone()
            ?? throw new NoSessionException($"no session with {_remote}");
        var plaintext = DoubleRatchet.DecryptWithRecord(record, message, isPreKeyMessage: false);
        var remoteIdentity = record.Current!.RemoteIdentity!;
        if (!await _store.IsTrustedIdentityAsync(_remote, remoteIdentity, Direction.Receiving, cancellationToken).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote);
        }
        await _store.SaveIdentityAsync(_remote, remoteIdentity, cancellationToken).ConfigureAwait(false);
        await _store.StoreSessionAsync(_remote, record, cancellationToken).ConfigureAwait(false);
        return plaintext;
    }
}
