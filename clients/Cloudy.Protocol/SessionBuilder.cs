using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.Ratchet;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol;

/// <summary>
/// Starts sessions: as initiator from a fetched <see cref="PreKeyBundle"/> (PQXDH "Alice"), or as
/// responder from a received <see cref="PreKeySignalMessage"/> (PQXDH "Bob").
/// </summary>
public sealed class SessionBuilder
{
    private readonly IProtocolStore _store;
    private readonly ProtocolAddress _remote;

    /// <summary>Creates a builder for sessions with <paramref name="remote"/>.</summary>
    public SessionBuilder(IProtocolStore store, ProtocolAddress remote)
    {
        _store = store;
        _remote = remote;
    }

    /// <summary>
    /// Verifies the bundle's prekey signatures and creates a new current session (archiving any
    /// previous one). Messages sent on it are PreKeySignalMessages until the peer answers.
    /// </summary>
    /// <exception cref="UntrustedIdentityException">The bundle's identity differs from the one we trust.</exception>
    /// <exception cref="InvalidKeyException">A prekey signature is invalid, or a key is malformed.</exception>
    public async Task ProcessPreKeyBundleAsync(PreKeyBundle bundle, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (!await _store.IsTrustedIdentityAsync(_remote, bundle.IdentityKey, Direction.Sending, cancellationToken).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote);
        }
        if (!bundle.IdentityKey.PublicKey.VerifySignature(bundle.SignedPreKeyPublic.Serialize(), bundle.SignedPreKeySignature))
        {
            throw new InvalidKeyException("signed prekey signature is invalid");
        }
        if (!bundle.IdentityKey.PublicKey.VerifySignature(bundle.KyberPreKeyPublic.Serialize(), bundle.KyberPreKeySignature))
        {
            throw new InvalidKeyException("Kyber prekey signature is invalid");
        }
        if ((bundle.PreKeyId is null) != (bundle.PreKeyPublic is null))
        {
            throw new InvalidKeyException("one-time prekey id and key must both be present or both absent");
        }

        var record = (await _store.LoadSessionAsync(_remote, cancellationToken).ConfigureAwait(false))?.Clone() ?? new SessionRecord();
        var ourIdentity = await _store.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false);
        var baseKey = ECKeyPair.Generate();
        var (state, kyberCiphertext) = Pqxdh.InitializeAlice(new Pqxdh.AliceParameters(
            ourIdentity, baseKey, bundle.IdentityKey, bundle.SignedPreKeyPublic, bundle.PreKeyPublic, bundle.SignedPreKeyPublic, bundle.KyberPreKeyPublic));
        state.PendingPreKey = new PendingPreKey(bundle.PreKeyId, bundle.SignedPreKeyId, baseKey.PublicKey.Serialize(),
            (ulong)(now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
        state.PendingKyberPreKey = new PendingKyberPreKey(bundle.KyberPreKeyId, kyberCiphertext);
        state.LocalRegistrationId = await _store.GetLocalRegistrationIdAsync(cancellationToken).ConfigureAwait(false);
        state.RemoteRegistrationId = bundle.RegistrationId;

        await _store.SaveIdentityAsync(_remote, bundle.IdentityKey, cancellationToken).ConfigureAwait(false);
        record.PromoteState(state);
        await _store.StoreSessionAsync(_remote, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Responder side of PQXDH: unless a session with the same initiator base key already exists,
    /// builds a new one from our prekeys and makes it current (archiving the old). Mutates only
    /// <paramref name="record"/> (a working copy); the caller commits.
    /// </summary>
    internal async Task<PreKeysUsed> ProcessPreKeyMessageAsync(PreKeySignalMessage message, SessionRecord record, CancellationToken cancellationToken)
    {
        if (!await _store.IsTrustedIdentityAsync(_remote, message.IdentityKey, Direction.Receiving, cancellationToken).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote);
        }
        if (record.PromoteMatchingSession(message.MessageVersion, message.BaseKey.Serialize()))
        {
            return new PreKeysUsed(null, null);
        }

        var signedPreKey = await _store.LoadSignedPreKeyAsync(message.SignedPreKeyId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidKeyIdException($"no signed prekey {message.SignedPreKeyId}");
        var kyberPreKey = await _store.LoadKyberPreKeyAsync(message.KyberPreKeyId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidKeyIdException($"no Kyber prekey {message.KyberPreKeyId}");
        ECKeyPair? oneTime = null;
        if (message.PreKeyId is { } preKeyId)
        {
            oneTime = (await _store.LoadPreKeyAsync(preKeyId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidKeyIdException($"no prekey {preKeyId}")).KeyPair;
        }

        var state = Pqxdh.InitializeBob(new Pqxdh.BobParameters(
            await _store.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false),
            signedPreKey.KeyPair, oneTime, signedPreKey.KeyPair, kyberPreKey.KeyPair,
            message.IdentityKey, message.BaseKey, message.KyberCiphertext));
        state.LocalRegistrationId = await _store.GetLocalRegistrationIdAsync(cancellationToken).ConfigureAwait(false);
        state.RemoteRegistrationId = message.RegistrationId;
        record.PromoteState(state);
        return new PreKeysUsed(message.PreKeyId, message.KyberPreKeyId);
    }

    internal sealed record PreKeysUsed(uint? PreKeyId, uint? KyberPreKeyId);
}
