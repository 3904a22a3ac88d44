using Cloudy.Contracts.Delivery;

namespace Cloudy.Client.Wire;

// Client-side request and stream-frame shapes of delivery (docs/api-delivery.md); the response shapes are
// shared with the service from Cloudy.Contracts.Delivery. Ciphertexts are base64url without padding.

/// <summary>A send: one ciphertext per recipient device.</summary>
public sealed record SendRequest(IReadOnlyList<OutgoingMessage> Messages, long Timestamp, bool? Ephemeral);

/// <summary>The ciphertext for one recipient device (type 2 = SignalMessage, 3 = PreKeySignalMessage).</summary>
public sealed record OutgoingMessage(int DeviceId, int? RegistrationId, int Type, string Content);

/// <summary>A server → client stream frame: <c>envelope</c>, <c>queue-empty</c>, <c>presence</c> (a watched account changed) or <c>error</c>.</summary>
public sealed record StreamFrame(string Type, Envelope? Envelope = null, string? Id = null, string? Code = null, PresenceResponse? Presence = null);

/// <summary>A client → server stream frame (only <c>ack</c>).</summary>
public sealed record ClientFrame(string Type, string Id);
