namespace Cloudy.Delivery.Http;

/// <summary>A send: one ciphertext per recipient device, the sender's timestamp, and whether it is ephemeral.</summary>
/// <param name="Messages">One entry per recipient device.</param>
/// <param name="Timestamp">Sender's timestamp, ms since the Unix epoch (positive).</param>
/// <param name="Ephemeral">Push only to devices online now and never store (typing indicators).</param>
public sealed record SendRequest(IReadOnlyList<OutgoingMessage?>? Messages, long? Timestamp, bool? Ephemeral);

/// <summary>The ciphertext for one recipient device.</summary>
/// <param name="DeviceId">Recipient device id.</param>
/// <param name="RegistrationId">The registration id the sender's session is for (optional).</param>
/// <param name="Type">2 = SignalMessage, 3 = PreKeySignalMessage.</param>
/// <param name="Content">Ciphertext, base64url without padding.</param>
public sealed record OutgoingMessage(int? DeviceId, int? RegistrationId, int? Type, string? Content);

