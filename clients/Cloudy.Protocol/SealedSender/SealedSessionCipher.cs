using Cloudy.Formats;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// Sealed sender, wire-compatible with libsignal 0.72.1: the server delivers the message without
/// learning who sent it; the recipient learns the sender from the certificate inside, which the
/// server signed. v1 seals for one device (version byte 0x11); v2 encrypts once for many accounts
/// (the "sent" form 0x23, which the server splits into "received" 0x22 messages).
/// </summary>
public sealed class SealedSessionCipher
{
    private readonly IProtocolStore _store;

    /// <summary>Creates a cipher over the device's protocol store.</summary>
    public SealedSessionCipher(IProtocolStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> on the session with <paramref name="destination"/> and
    /// seals it (v1) with <paramref name="sender"/> as the sender (libsignal's <c>sealedSenderEncryptMessage</c>,
    /// which always uses the default hint and no group id; here both are optional).
    /// </summary>
    /// <exception cref="NoSessionException">No session, or no stored identity, for the destination.</exception>
    /// <exception cref="UntrustedIdentityException">The destination's identity is no longer trusted.</exception>
    public async Task<byte[]> EncryptAsync(ProtocolAddress destination, SenderCertificate sender, ReadOnlyMemory<byte> plaintext,
        ContentHint hint = ContentHint.Default, ReadOnlyMemory<byte> groupId = default, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(sender);
        var message = await new SessionCipher(_store, destination).EncryptAsync(plaintext, now, cancellationToken).ConfigureAwait(false);
        var content = UnidentifiedSenderMessageContent.Create(message.Type, sender, message.Body, hint, groupId.Span);
        return await EncryptAsync(destination, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Seals prepared content for one device (v1; libsignal's <c>sealedSenderEncrypt</c>).</summary>
    /// <exception cref="NoSessionException">No identity is stored for the destination.</exception>
    public async Task<byte[]> EncryptAsync(ProtocolAddress destination, UnidentifiedSenderMessageContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(content);
        var us = await _store.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false);
        var them = await _store.GetIdentityAsync(destination, cancellationToken).ConfigureAwait(false)
            ?? throw new NoSessionException($"no identity for {destination}");
        return SealedSenderV1.Encrypt(content, us, them);
    }

    /// <summary>
    /// Encrypts <paramref name="content"/> once for many devices (v2 "sent" form, version 0x23;
    /// libsignal's <c>sealedSenderMultiRecipientEncrypt</c>). Each destination needs a current
    /// session (its registration id goes into the message) and a stored identity. Consecutive
    /// destinations with the same name form one recipient; every device of a recipient must share
    /// its identity key.
    /// </summary>
    /// <param name="destinations">The devices, grouped by account.</param>
    /// <param name="content">The content every device receives (typically a sender-key message).</param>
    /// <param name="excludedRecipients">Accounts deliberately left out (listed with no devices).</param>
    /// <param name="serviceIdOf">Maps a destination to its service id; by default its name parsed as a service id string, as libsignal does.</param>
    /// <param name="cancellationToken">Cancels store access.</param>
    /// <exception cref="NoSessionException">A destination has no current session or no stored identity.</exception>
    /// <exception cref="InvalidRegistrationIdException">A session's registration id does not fit 14 bits.</exception>
    /// <exception cref="ArgumentException">A device id outside 1..127, or a name that is not a service id.</exception>
    public async Task<byte[]> EncryptMultiRecipientAsync(IReadOnlyList<ProtocolAddress> destinations, UnidentifiedSenderMessageContent content,
        IReadOnlyCollection<ServiceId>? excludedRecipients = null, Func<ProtocolAddress, ServiceId>? serviceIdOf = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(content);
        serviceIdOf ??= DefaultServiceId;
        foreach (var destination in destinations)
        {
            if (destination.DeviceId is 0 or > SealedSenderMultiRecipientMessage.MaxDeviceId)
            {
                throw new ArgumentException($"device id of {destination} is outside 1..{SealedSenderMultiRecipientMessage.MaxDeviceId}", nameof(destinations));
            }
        }
        var us = await _store.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false);
        var recipients = new List<SealedSenderV2.Recipient>();
        for (var start = 0; start < destinations.Count;)
        {
            var end = start + 1;
            while (end < destinations.Count && destinations[end].Name == destinations[start].Name)
            {
                end++;
            }
            var identity = await _store.GetIdentityAsync(destinations[start], cancellationToken).ConfigureAwait(false)
                ?? throw new NoSessionException($"no identity for {destinations[start]}");
            var devices = new List<(uint, uint)>(end - start);
            for (var i = start; i < end; i++)
            {
                devices.Add(await DeviceEntryAsync(destinations[i], cancellationToken).ConfigureAwait(false));
            }
            recipients.Add(new SealedSenderV2.Recipient(serviceIdOf(destinations[start]), identity, devices));
            start = end;
        }
        return SealedSenderV2.Encrypt(content, us, recipients, excludedRecipients ?? []);
    }

    /// <summary>
    /// Opens a sealed message — v1 (0x11) or a received v2 message (0x22) — without validating the
    /// certificate or decrypting the content (libsignal's <c>sealedSenderDecryptToUsmc</c>). Stricter
    /// than libsignal: the version byte must be exactly 0x11 or 0x22 (libsignal looks only at its
    /// high nibble and also takes 0x0_ as v1).
    /// </summary>
    /// <exception cref="InvalidSealedSenderMessageException">Malformed, tampered, or not for us.</exception>
    /// <exception cref="InvalidVersionException">An unknown version byte.</exception>
    /// <exception cref="InvalidCertificateException">The embedded certificate is malformed.</exception>
    public async Task<UnidentifiedSenderMessageContent> DecryptToContentAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (message.IsEmpty)
        {
            throw new InvalidSealedSenderMessageException("empty sealed sender message");
        }
        var us = await _store.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false);
        return message.Span[0] switch
        {
            SealedSenderV1.Version => SealedSenderV1.Decrypt(message[1..], us),
            SealedSenderMultiRecipientMessage.ReceivedVersion => SealedSenderV2.Decrypt(message.Span[1..], us),
            var version => throw new InvalidVersionException($"unknown sealed sender version byte 0x{version:x2}"),
        };
    }

    /// <summary>
    /// Opens a sealed message, validates the sender certificate against <paramref name="trustRoot"/>
    /// at <paramref name="timestamp"/>, refuses a message from this very device, and decrypts the
    /// content on the session with the sender (creating it for a PreKey message) — libsignal's
    /// <c>sealedSenderDecryptMessage</c>. Only Signal and PreKey contents are decrypted here; open
    /// sender-key content with <see cref="DecryptToContentAsync"/> and <see cref="SenderCertificate.EnsureValid"/>.
    /// </summary>
    /// <exception cref="InvalidCertificateException">The certificate is malformed, revoked, wrongly signed or expired.</exception>
    /// <exception cref="SealedSenderSelfSendException">The certificate names this device.</exception>
    /// <exception cref="InvalidSealedSenderMessageException">Malformed or tampered sealed envelope.</exception>
    /// <exception cref="InvalidMessageException">The inner message is malformed, tampered, or of a type this method does not decrypt.</exception>
    public async Task<SealedSenderDecryptionResult> DecryptAsync(ReadOnlyMemory<byte> message, ECPublicKey trustRoot, DateTimeOffset timestamp,
        string localUuid, uint localDeviceId, string? localE164 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trustRoot);
        ArgumentNullException.ThrowIfNull(localUuid);
        var content = await DecryptToContentAsync(message, cancellationToken).ConfigureAwait(false);
        var sender = content.Sender;
        sender.EnsureValid(trustRoot, timestamp);
        var fromUs = sender.SenderUuid == localUuid || (localE164 is not null && sender.SenderE164 == localE164);
        if (fromUs && sender.SenderDeviceId == localDeviceId)
        {
            throw new SealedSenderSelfSendException();
        }
        var cipher = new SessionCipher(_store, new ProtocolAddress(sender.SenderUuid, sender.SenderDeviceId));
        var plaintext = content.Type switch
        {
            CiphertextMessageType.Whisper => await cipher.DecryptAsync(SignalMessage.Deserialize(content.Content.ToArray()), cancellationToken).ConfigureAwait(false),
            CiphertextMessageType.PreKey => await cipher.DecryptAsync(PreKeySignalMessage.Deserialize(content.Content.ToArray()), cancellationToken).ConfigureAwait(false),
            var other => throw new InvalidMessageException($"sealed sender content of type {other} is not decrypted by DecryptAsync"),
        };
        return new SealedSenderDecryptionResult(sender.SenderUuid, sender.SenderE164, sender.SenderDeviceId, plaintext, content);
    }

    private async Task<(uint DeviceId, uint RegistrationId)> DeviceEntryAsync(ProtocolAddress destination, CancellationToken cancellationToken)
    {
        var session = await _store.LoadSessionAsync(destination, cancellationToken).ConfigureAwait(false);
        if (session is null || !session.HasCurrentSession)
        {
            throw new NoSessionException($"no current session with {destination}");
        }
        var registrationId = session.RemoteRegistrationId;
        if ((registrationId & SealedSenderMultiRecipientMessage.RegistrationIdMask) != registrationId)
        {
            throw new InvalidRegistrationIdException(destination, registrationId);
        }
        return (destination.DeviceId, registrationId);
    }

    private static ServiceId DefaultServiceId(ProtocolAddress address) =>
        ServiceId.TryParse(address.Name, out var serviceId)
            ? serviceId
            : throw new ArgumentException($"multi-recipient sealed sender needs service id names, not {address.Name}", nameof(address));
}
