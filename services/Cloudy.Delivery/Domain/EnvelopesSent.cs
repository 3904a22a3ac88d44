using Cloudy.Contracts;

namespace Cloudy.Delivery.Domain;

/// <summary>
/// One accepted send on <see cref="Topics.Envelopes"/>, keyed by the recipient account: one ciphertext per
/// recipient device, stamped by the server. The content is end-to-end ciphertext the server cannot read;
/// it is the one event type that carries message bytes, because the topic is the durable send log.
/// </summary>
/// <param name="RecipientAccountId">The account addressed.</param>
/// <param name="SenderAccountId">Authenticated sender account (from the token).</param>
/// <param name="SenderDeviceId">Authenticated sender device (from the token).</param>
/// <param name="ClientTimestamp">The sender's timestamp (ms since the Unix epoch), passed through.</param>
/// <param name="ServerTimestamp">When delivery accepted the send.</param>
/// <param name="Envelopes">One entry per recipient device.</param>
public sealed record EnvelopesSent(
    string RecipientAccountId,
    string SenderAccountId,
    int SenderDeviceId,
    long ClientTimestamp,
    DateTimeOffset ServerTimestamp,
    IReadOnlyList<DeviceEnvelope> Envelopes) : IntegrationEvent;

/// <summary>The ciphertext for one recipient device.</summary>
/// <param name="EnvelopeId">Server envelope id (idempotency key of the mailbox write).</param>
/// <param name="DeviceId">Recipient device.</param>
/// <param name="RegistrationId">The registration id the sender encrypted for, if it gave one.</param>
/// <param name="Type">Protocol message type (2 = SignalMessage, 3 = PreKeySignalMessage).</param>
/// <param name="Content">Ciphertext, base64url without padding.</param>
public sealed record DeviceEnvelope(string EnvelopeId, int DeviceId, int? RegistrationId, int Type, string Content);
