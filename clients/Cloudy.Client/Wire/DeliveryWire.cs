namespace Cloudy.Client.Wire;

// Client copies of delivery's JSON shapes (docs/api-delivery.md); ciphertexts are base64url without padding.

/// <summary>A send: one ciphertext per recipient device.</summary>
public sealed record SendRequest(IReadOnlyList<OutgoingMessage> Messages, long Timestamp, bool? Ephemeral);

/// <summary>The ciphertext for one recipient device (type 2 = SignalMessage, 3 = PreKeySignalMessage).</summary>
public sealed record OutgoingMessage(int DeviceId, int? RegistrationId, int Type, string Content);

/// <summary>An accepted send.</summary>
public sealed record SendResponse(DateTimeOffset ServerTimestamp, IReadOnlyList<SentEnvelope> Envelopes, bool Ephemeral);

/// <summary>The envelope id assigned for one recipient device.</summary>
public sealed record SentEnvelope(int DeviceId, string EnvelopeId);

/// <summary>An envelope as the receiving device gets it; the sender fields are stamped by the server from the sender's token.</summary>
public sealed record Envelope(
    string Id,
    int Type,
    string SourceAccountId,
    int SourceDeviceId,
    int DestinationDeviceId,
    int? RegistrationId,
    string Content,
    long ClientTimestamp,
    DateTimeOffset ServerTimestamp,
    bool Ephemeral);

/// <summary>A page of the caller's mailbox, oldest first.</summary>
public sealed record MailboxPage(IReadOnlyList<Envelope> Envelopes, bool More, string? Cursor);

/// <summary>A server → client stream frame: <c>envelope</c>, <c>queue-empty</c>, <c>presence</c> (a watched account changed) or <c>error</c>.</summary>
public sealed record StreamFrame(string Type, Envelope? Envelope = null, string? Id = null, string? Code = null, PresenceResponse? Presence = null);

/// <summary>A client → server stream frame (only <c>ack</c>).</summary>
public sealed record ClientFrame(string Type, string Id);
