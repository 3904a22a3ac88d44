namespace Cloudy.Contracts.Delivery;

// Delivery's response shapes, shared by the service and the client library (docs/api-delivery.md).
// Request shapes stay per side: the server reads every field as nullable to answer 400 itself.

/// <summary>An accepted send.</summary>
/// <param name="ServerTimestamp">When the server accepted it.</param>
/// <param name="Envelopes">The server envelope id per recipient device.</param>
/// <param name="Ephemeral">True when it was pushed live only.</param>
public sealed record SendResponse(DateTimeOffset ServerTimestamp, IReadOnlyList<SentEnvelope> Envelopes, bool Ephemeral);

/// <summary>The envelope id assigned for one recipient device.</summary>
public sealed record SentEnvelope(int DeviceId, string EnvelopeId);

/// <summary>
/// An envelope as a recipient device receives it (REST fetch and stream frames), and as it is stored.
/// </summary>
/// <param name="Id">Server envelope id; acknowledge it to delete it.</param>
/// <param name="Type">Protocol message type.</param>
/// <param name="SourceAccountId">Authenticated sender account.</param>
/// <param name="SourceDeviceId">Authenticated sender device.</param>
/// <param name="DestinationDeviceId">The receiving device.</param>
/// <param name="RegistrationId">Registration id the sender encrypted for, if given.</param>
/// <param name="Content">Ciphertext, base64url without padding.</param>
/// <param name="ClientTimestamp">Sender's timestamp (ms).</param>
/// <param name="ServerTimestamp">When the server accepted the send.</param>
/// <param name="Ephemeral">True for live-only envelopes (never stored, no ack needed).</param>
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
/// <param name="Envelopes">The envelopes.</param>
/// <param name="More">True when more envelopes follow <paramref name="Cursor"/>.</param>
/// <param name="Cursor">Pass as <c>after</c> to read the next page (null when the page is empty).</param>
public sealed record MailboxPage(IReadOnlyList<Envelope> Envelopes, bool More, string? Cursor);
