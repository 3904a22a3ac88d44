using System.Buffers.Text;
using System.Net;
using System.Text;
using Cloudy.Client.State;
using Cloudy.Client.Wire;
using Cloudy.Contracts.Delivery;
using Cloudy.Protocol;
using Cloudy.Protocol.Fingerprints;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;

namespace Cloudy.Client.Messaging;

/// <summary>
/// One device's end-to-end messaging: encrypts content once per recipient device with Signal sessions,
/// corrects its device list when the server answers 409/410 and retries, decrypts incoming envelopes
/// (PreKey and ratchet messages), answers texts with encrypted delivery receipts, sends typing indicators
/// as ephemeral envelopes, and refills its one-time prekeys when the server runs low. Protocol-store work
/// is serialized, so a stream listener and sends can run at the same time.
/// </summary>
public sealed class Messenger : IDisposable
{
    private const string DeviceKey = "device";
    private const string TokenKey = "token";
    private readonly IProtocolStore _store;
    private readonly IClientStateStore _state;
    private readonly MessengerOptions _options;
    private readonly PreKeyManager _preKeys;
    private readonly DeviceBook _devices;
    private readonly SemaphoreSlim _crypto = new(1, 1);
    private long _lastTimestamp;
    private bool _preKeyConsumed;

    /// <summary>Creates a messenger for a registered device (<paramref name="identity"/> has its credentials).</summary>
    public Messenger(IdentityClient identity, IProtocolStore store, IClientStateStore state, MessengerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.Device is null)
        {
            throw new ArgumentException("The identity client has no device.", nameof(identity));
        }

        Identity = identity;
        _store = store;
        _state = state;
        _options = options ?? new MessengerOptions();
        Keys = new KeysClient(identity);
        Messages = new MessagesClient(identity);
        Presence = new PresenceClient(identity);
        Contacts = new ContactBook(state);
        _devices = new DeviceBook(state);
        _preKeys = new PreKeyManager(store, state, Keys, _options);
    }

    /// <summary>Identity API (as this device).</summary>
    public IdentityClient Identity { get; }

    /// <summary>Key directory API.</summary>
    public KeysClient Keys { get; }

    /// <summary>Delivery REST API.</summary>
    public MessagesClient Messages { get; }

    /// <summary>Presence API.</summary>
    public PresenceClient Presence { get; }

    /// <summary>Contact names (client-only).</summary>
    public ContactBook Contacts { get; }

    /// <summary>My account id.</summary>
    public string AccountId => Identity.Device!.AccountId;

    /// <summary>My device id.</summary>
    public int DeviceId => Identity.Device!.DeviceId;

    /// <summary>Creates an account whose first device is this client, stores its credentials, and uploads its keys.</summary>
    public static async Task<Messenger> CreateAccountAsync(
        HttpClient http, IProtocolStore store, IClientStateStore state, MessengerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var identity = new IdentityClient(http);
        return await RegisterAsync(identity, await identity.CreateAccountAsync(cancellationToken), store, state, options, cancellationToken);
    }

    /// <summary>Joins an existing account with a link code issued by one of its devices, and uploads this device's keys.</summary>
    public static async Task<Messenger> LinkDeviceAsync(
        HttpClient http, string code, IProtocolStore store, IClientStateStore state, MessengerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var identity = new IdentityClient(http);
        return await RegisterAsync(identity, await identity.RedeemLinkCodeAsync(code, cancellationToken), store, state, options, cancellationToken);
    }

    /// <summary>Opens the messenger of a device registered earlier (credentials from <paramref name="state"/>).</summary>
    public static Messenger Open(HttpClient http, IProtocolStore store, IClientStateStore state, MessengerOptions? options = null)
    {
        var device = LoadDevice(state) ?? throw new InvalidOperationException("This profile has no registered device.");
        var identity = new IdentityClient(http, DeviceCredentials.Import(device.AccountId, device.DeviceId, device.SigningKey));
        if (state.GetJson(TokenKey, ClientJsonContext.Default.TokenResponse) is { } token)
        {
            identity.UseToken(token);
        }

        return new Messenger(identity, store, state, options);
    }

    /// <summary>Keeps the current access token in the (encrypted) state store, so the next process can reuse it until it expires.</summary>
    public void SaveToken()
    {
        if (Identity.CurrentToken is { } token)
        {
            _state.PutJson(TokenKey, token, ClientJsonContext.Default.TokenResponse);
        }
    }

    /// <summary>The stored device credentials, or null before registration.</summary>
    public static StoredDevice? LoadDevice(IClientStateStore state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.GetJson(DeviceKey, ClientJsonContext.Default.StoredDevice);
    }

    /// <summary>Sends a text to every device of <paramref name="accountId"/>.</summary>
    public Task<SendResult> SendTextAsync(string accountId, string text, CancellationToken cancellationToken = default) =>
        SendAsync(accountId, new MessageContent(ContentKinds.Text, NextTimestamp(), Text: text), cancellationToken);

    /// <summary>Sends a delivery receipt for the messages with <paramref name="timestamps"/>.</summary>
    public Task<SendResult> SendReceiptAsync(string accountId, IReadOnlyList<long> timestamps, CancellationToken cancellationToken = default) =>
        SendAsync(accountId, new MessageContent(ContentKinds.Receipt, NextTimestamp(), Receipts: timestamps), cancellationToken);

    /// <summary>
    /// Sends a typing indicator as an ephemeral envelope (pushed to online devices only, never stored). Returns
    /// null without sending when there is no session yet: a typing indicator is not worth fetching prekeys for.
    /// </summary>
    public async Task<SendResult?> SendTypingAsync(string accountId, bool typing, CancellationToken cancellationToken = default) =>
        await SendContentAsync(accountId, new MessageContent(ContentKinds.Typing, NextTimestamp(), Typing: typing), ephemeral: true, cancellationToken);

    /// <summary>Sends <paramref name="content"/> as a stored message.</summary>
    public async Task<SendResult> SendAsync(string accountId, MessageContent content, CancellationToken cancellationToken = default) =>
        (await SendContentAsync(accountId, content, ephemeral: false, cancellationToken))!;

    /// <summary>Decrypts one envelope (the caller acks it when <see cref="IncomingMessage.ShouldAck"/>).</summary>
    public async Task<IncomingMessage> DecryptAsync(Envelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await _crypto.WaitAsync(cancellationToken);
        try
        {
            return await DecryptLockedAsync(envelope, cancellationToken);
        }
        finally
        {
            _crypto.Release();
        }
    }

    /// <summary>
    /// Drains my mailbox over REST: fetches every page, decrypts, acks, then sends delivery receipts and refills
    /// prekeys if needed. Returns the envelopes in mailbox order.
    /// </summary>
    public async Task<IReadOnlyList<IncomingMessage>> FetchInboxAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<IncomingMessage>();
        string? cursor = null;
        MailboxPage page;
        do
        {
            page = await Messages.FetchAsync(cursor, cancellationToken: cancellationToken);
            foreach (var envelope in page.Envelopes)
            {
                var incoming = await DecryptAsync(envelope, cancellationToken);
                results.Add(incoming);
                if (incoming.ShouldAck)
                {
                    await Messages.AckAsync(envelope.Id, cancellationToken);
                }
            }

            cursor = page.Cursor ?? cursor;
        }
        while (page.More);

        // Bundle fetches consume my one-time keys even when no message follows, so check once per drain.
        _preKeyConsumed = true;
        await AfterBatchAsync(results, cancellationToken);
        return results;
    }

    /// <summary>
    /// Listens on the stream until it closes or <paramref name="cancellationToken"/> fires: the stored mailbox first
    /// (oldest first), then <paramref name="onQueueEmpty"/>, then live envelopes. Each envelope is decrypted, handed
    /// to <paramref name="onMessage"/>, then acked. Receipts for the drained backlog go out in one batch per sender.
    /// Presence changes of watched accounts go to <paramref name="onPresence"/>.
    /// </summary>
    public async Task ListenAsync(
        Func<IncomingMessage, Task> onMessage, Func<Task>? onQueueEmpty = null, CancellationToken cancellationToken = default,
        Func<PresenceResponse, Task>? onPresence = null)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        await using var stream = await StreamClient.ConnectAsync(Identity, cancellationToken);
        var backlog = new List<IncomingMessage>();
        var drained = false;
        try
        {
            await foreach (var frame in stream.ReadFramesAsync(cancellationToken))
            {
                if (frame is { Type: "envelope", Envelope: { } envelope })
                {
                    // Once a frame is in hand it is decrypted and acked even if the caller is stopping.
                    var incoming = await DecryptAsync(envelope, CancellationToken.None);
                    await onMessage(incoming);
                    if (incoming.ShouldAck)
                    {
                        await stream.AckAsync(envelope.Id, CancellationToken.None);
                    }

                    backlog.Add(incoming);
                    if (drained)
                    {
                        await AfterBatchAsync(backlog, CancellationToken.None);
                        backlog.Clear();
                    }
                }
                else if (frame is { Type: "presence", Presence: { } presence } && onPresence is not null)
                {
                    await onPresence(presence);
                }
                else if (frame.Type == "queue-empty")
                {
                    drained = true;
                    _preKeyConsumed = true;   // once per connection: fetches may have used keys without messages following
                    await AfterBatchAsync(backlog, CancellationToken.None);
                    backlog.Clear();
                    if (onQueueEmpty is not null)
                    {
                        await onQueueEmpty();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the caller.
        }
    }

    /// <summary>Uploads new one-time prekeys if the server holds fewer than the threshold; true when it did.</summary>
    public Task<bool> RefillPreKeysIfLowAsync(CancellationToken cancellationToken = default) => _preKeys.RefillIfLowAsync(cancellationToken);

    /// <summary>My identity key (shared by all my devices: derived from the recovery words).</summary>
    public async Task<IdentityKey> GetMyIdentityAsync(CancellationToken cancellationToken = default) =>
        (await _store.GetIdentityKeyPairAsync(cancellationToken)).IdentityKey;

    /// <summary>
    /// The identity key this client trusts for <paramref name="accountId"/>, fetching a bundle (and so creating a
    /// session) when none is known yet; null when the account has no keys.
    /// </summary>
    public async Task<IdentityKey?> GetTrustedIdentityAsync(string accountId, bool fetch = true, CancellationToken cancellationToken = default)
    {
        if (_devices.AccountIdentity(accountId) is { } accountKey)
        {
            return IdentityKey.Deserialize(accountKey);
        }

        foreach (var device in _devices.Get(accountId))
        {
            if (await _store.GetIdentityAsync(new ProtocolAddress(accountId, (uint)device), cancellationToken) is { } known)
            {
                return known;
            }
        }

        if (!fetch)
        {
            return null;
        }

        await _crypto.WaitAsync(cancellationToken);
        try
        {
            await FetchSessionsAsync(accountId, null, cancellationToken);
        }
        finally
        {
            _crypto.Release();
        }

        return await GetTrustedIdentityAsync(accountId, fetch: false, cancellationToken);
    }

    /// <summary>A new identity key <paramref name="accountId"/> presented that this client refused, or null.</summary>
    public IdentityKey? GetPendingIdentity(string accountId) =>
        _devices.PendingIdentity(accountId) is { } key ? IdentityKey.Deserialize(key) : null;

    /// <summary>Trusts the pending new identity key of <paramref name="accountId"/> (after comparing safety numbers).</summary>
    public async Task<bool> AcceptPendingIdentityAsync(string accountId, CancellationToken cancellationToken = default)
    {
        if (GetPendingIdentity(accountId) is not { } key)
        {
            return false;
        }

        // Sessions made under the old key are retired: the next send fetches fresh bundles, which must carry the new key.
        await _crypto.WaitAsync(cancellationToken);
        try
        {
            foreach (var device in _devices.Get(accountId))
            {
                var address = new ProtocolAddress(accountId, (uint)device);
                await _store.SaveIdentityAsync(address, key, cancellationToken);
                if (await _store.LoadSessionAsync(address, cancellationToken) is { HasCurrentSession: true } record)
                {
                    record.ArchiveCurrentState();
                    await _store.StoreSessionAsync(address, record, cancellationToken);
                }
            }

            _devices.SetAccountIdentity(accountId, key.Serialize());
        }
        finally
        {
            _crypto.Release();
        }

        _devices.ClearPendingIdentity(accountId);
        return true;
    }

    /// <summary>The safety number (60 digits) of my identity and <paramref name="theirs"/> for <paramref name="accountId"/>.</summary>
    public async Task<string> SafetyNumberAsync(string accountId, IdentityKey theirs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(theirs);
        var mine = await GetMyIdentityAsync(cancellationToken);
        var fingerprint = new NumericFingerprintGenerator().CreateFor(
            NumericFingerprintGenerator.DefaultVersion, Encoding.UTF8.GetBytes(AccountId), mine.Serialize(), Encoding.UTF8.GetBytes(accountId), theirs.Serialize());
        return fingerprint.Displayable.Value;
    }

    /// <summary>Devices of <paramref name="accountId"/> this client currently addresses.</summary>
    public IReadOnlyList<int> KnownDevices(string accountId) => _devices.Get(accountId);

    /// <inheritdoc />
    public void Dispose()
    {
        _crypto.Dispose();
        Identity.Device?.Dispose();
    }

    private static async Task<Messenger> RegisterAsync(
        IdentityClient identity, DeviceCredentials device, IProtocolStore store, IClientStateStore state, MessengerOptions? options, CancellationToken cancellationToken)
    {
        state.PutJson(DeviceKey, new StoredDevice(device.AccountId, device.DeviceId, device.ExportPrivateKey(), identity.Http.BaseAddress?.ToString()),
            ClientJsonContext.Default.StoredDevice);
        var messenger = new Messenger(identity, store, state, options);
        await messenger._preKeys.UploadAllAsync(cancellationToken);
        return messenger;
    }

    private async Task<SendResult?> SendContentAsync(string accountId, MessageContent content, bool ephemeral, CancellationToken cancellationToken)
    {
        var padded = ContentCodec.Encode(content);
        await _crypto.WaitAsync(cancellationToken);
        try
        {
            var corrections = 0;
            for (var attempt = 1; ; attempt++)
            {
                var devices = _devices.Get(accountId).Where(d => accountId != AccountId || d != DeviceId).ToList();
                if (devices.Count == 0)
                {
                    if (ephemeral)
                    {
                        return null;
                    }

                    devices = [.. await FetchSessionsAsync(accountId, null, cancellationToken)];
                    if (devices.Count == 0)
                    {
                        throw new CloudyApiException(HttpStatusCode.NotFound, "No keys", "The account has no devices with keys.");
                    }
                }

                var messages = new List<OutgoingMessage>(devices.Count);
                foreach (var device in devices)
                {
                    var address = new ProtocolAddress(accountId, (uint)device);
                    if (await _store.LoadSessionAsync(address, cancellationToken) is not { HasCurrentSession: true })
                    {
                        if (ephemeral)
                        {
                            return null;
                        }

                        await FetchSessionsAsync(accountId, device, cancellationToken);
                    }

                    var ciphertext = await new SessionCipher(_store, address).EncryptAsync(padded, cancellationToken: cancellationToken);
                    var registrationId = (await _store.LoadSessionAsync(address, cancellationToken))!.RemoteRegistrationId;
                    messages.Add(new OutgoingMessage(device, (int)registrationId, (int)ciphertext.Type, Base64Url.EncodeToString(ciphertext.Body)));
                }

                try
                {
                    var response = await Messages.SendAsync(accountId, new SendRequest(messages, content.Timestamp, ephemeral ? true : null), cancellationToken);
                    return new SendResult(content.Timestamp, response.Envelopes, corrections);
                }
                catch (CloudyApiException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.Gone && attempt < _options.MaxSendAttempts)
                {
                    corrections++;
                    await CorrectDevicesAsync(accountId, devices, e, cancellationToken);
                }
            }
        }
        finally
        {
            _crypto.Release();
        }
    }

    /// <summary>Applies a 409/410 answer: forget extra and stale devices (archiving their sessions), start sessions with missing ones.</summary>
    private async Task CorrectDevicesAsync(string accountId, IReadOnlyList<int> addressed, CloudyApiException problem, CancellationToken cancellationToken)
    {
        var gone = problem.GetIntList("extraDevices").Concat(problem.GetIntList("staleDevices")).ToHashSet();
        foreach (var device in gone)
        {
            var address = new ProtocolAddress(accountId, (uint)device);
            if (await _store.LoadSessionAsync(address, cancellationToken) is { HasCurrentSession: true } record)
            {
                record.ArchiveCurrentState();
                await _store.StoreSessionAsync(address, record, cancellationToken);
            }
        }

        _devices.Set(accountId, addressed.Where(d => !gone.Contains(d)));
        foreach (var device in problem.GetIntList("missingDevices"))
        {
            await FetchSessionsAsync(accountId, device, cancellationToken);
        }
    }

    /// <summary>Fetches bundles (one device or all) and starts a session with each; returns the device ids.</summary>
    private async Task<IReadOnlyList<int>> FetchSessionsAsync(string accountId, int? deviceId, CancellationToken cancellationToken)
    {
        var bundles = await Keys.FetchAsync(accountId, deviceId, cancellationToken);
        foreach (var bundle in bundles)
        {
            var address = new ProtocolAddress(accountId, (uint)bundle.DeviceId);
            var accountKey = _devices.AccountIdentity(accountId);
            try
            {
                if (accountKey is not null && !accountKey.AsSpan().SequenceEqual(bundle.IdentityKey))
                {
                    throw new UntrustedIdentityException(address);
                }

                await new SessionBuilder(_store, address).ProcessPreKeyBundleAsync(ToProtocolBundle(bundle), cancellationToken: cancellationToken);
            }
            catch (UntrustedIdentityException)
            {
                _devices.SetPendingIdentity(accountId, bundle.IdentityKey);
                throw new IdentityChangedException(accountId);
            }

            if (accountKey is null)
            {
                _devices.SetAccountIdentity(accountId, bundle.IdentityKey);
            }

            _devices.Add(accountId, bundle.DeviceId);
        }

        return [.. bundles.Select(b => b.DeviceId)];
    }

    private async Task<IncomingMessage> DecryptLockedAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        var address = new ProtocolAddress(envelope.SourceAccountId, (uint)envelope.SourceDeviceId);
        byte[] plaintext;
        byte[] body;
        byte[]? presentedIdentity = null;
        try
        {
            body = Base64Url.DecodeFromChars(envelope.Content);
            if (envelope.Type == (int)CiphertextMessageType.PreKey)
            {
                // A session-opening message names the sender's identity key: it must be the account's, whatever the device.
                presentedIdentity = PreKeySignalMessage.Deserialize(body).IdentityKey.Serialize();
                if (_devices.AccountIdentity(envelope.SourceAccountId) is { } accountKey && !accountKey.AsSpan().SequenceEqual(presentedIdentity))
                {
                    throw new UntrustedIdentityException(address);
                }
            }

            plaintext = await new SessionCipher(_store, address).DecryptAsync(new CiphertextMessage((CiphertextMessageType)envelope.Type, body), cancellationToken);
        }
        catch (DuplicateMessageException)
        {
            return new IncomingMessage(envelope, IncomingStatus.Duplicate, null);
        }
        catch (UntrustedIdentityException)
        {
            RecordPendingIdentity(envelope);
            return new IncomingMessage(envelope, IncomingStatus.UntrustedIdentity, null);
        }
        catch (Exception e) when (e is ProtocolException or FormatException)
        {
            return new IncomingMessage(envelope, IncomingStatus.Undecryptable, null);
        }

        if (presentedIdentity is not null)
        {
            _preKeyConsumed = true;
            if (_devices.AccountIdentity(envelope.SourceAccountId) is null)
            {
                _devices.SetAccountIdentity(envelope.SourceAccountId, presentedIdentity);
            }
        }

        _devices.Add(envelope.SourceAccountId, envelope.SourceDeviceId);
        try
        {
            return new IncomingMessage(envelope, IncomingStatus.Decrypted, ContentCodec.Decode(plaintext));
        }
        catch (FormatException)
        {
            return new IncomingMessage(envelope, IncomingStatus.Undecryptable, null);
        }
    }

    private void RecordPendingIdentity(Envelope envelope)
    {
        if (envelope.Type != (int)CiphertextMessageType.PreKey)
        {
            return;
        }

        try
        {
            var message = PreKeySignalMessage.Deserialize(Base64Url.DecodeFromChars(envelope.Content));
            _devices.SetPendingIdentity(envelope.SourceAccountId, message.IdentityKey.Serialize());
        }
        catch (Exception e) when (e is ProtocolException or FormatException)
        {
            // Not even a well-formed PreKey message: nothing to offer the user.
        }
    }

    /// <summary>Sends one receipt per sender for the texts received, and refills prekeys when they may have been used.</summary>
    private async Task AfterBatchAsync(IReadOnlyList<IncomingMessage> batch, CancellationToken cancellationToken)
    {
        if (_options.SendDeliveryReceipts)
        {
            var texts = batch.Where(m => m is { Status: IncomingStatus.Decrypted, Content.Kind: ContentKinds.Text } && m.SenderAccountId != AccountId);
            foreach (var sender in texts.GroupBy(m => m.SenderAccountId))
            {
                try
                {
                    await SendReceiptAsync(sender.Key, [.. sender.Select(m => m.Content!.Timestamp)], cancellationToken);
                }
                catch (Exception e) when (e is CloudyApiException or IdentityChangedException or UntrustedIdentityException or HttpRequestException)
                {
                    // Receipts are best effort: the messages themselves were received and acknowledged.
                }
            }
        }

        if (_preKeyConsumed)
        {
            _preKeyConsumed = false;
            await _preKeys.RefillIfLowAsync(cancellationToken);
        }
    }

    private long NextTimestamp()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long last, next;
        do
        {
            last = Interlocked.Read(ref _lastTimestamp);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastTimestamp, next, last) != last);
        return next;
    }

    private static PreKeyBundle ToProtocolBundle(DeviceBundle b) => new(
        (uint)b.RegistrationId,
        (uint)b.DeviceId,
        b.PreKey?.KeyId,
        b.PreKey is { } preKey ? ECPublicKey.Deserialize(preKey.PublicKey) : null,
        b.SignedPreKey.KeyId,
        ECPublicKey.Deserialize(b.SignedPreKey.PublicKey),
        b.SignedPreKey.Signature,
        IdentityKey.Deserialize(b.IdentityKey),
        b.PqPreKey.KeyId,
        KyberPublicKey.Deserialize(b.PqPreKey.PublicKey),
        b.PqPreKey.Signature);
}
