using Cloudy.Client.Wire;
using Cloudy.Contracts.Delivery;

namespace Cloudy.Client.Messaging;

/// <summary>What became of a received envelope.</summary>
public enum IncomingStatus
{
    /// <summary>Decrypted; <see cref="IncomingMessage.Content"/> is set.</summary>
    Decrypted,

    /// <summary>Already decrypted before (a redelivery); nothing to show.</summary>
    Duplicate,

    /// <summary>
    /// The sender's identity key differs from the trusted one. Left unacknowledged, so it decrypts once the
    /// user has compared safety numbers and accepted the new key.
    /// </summary>
    UntrustedIdentity,

    /// <summary>Malformed or failed authentication; acknowledged and dropped.</summary>
    Undecryptable,
}

/// <summary>A received envelope and, when it decrypted, its content.</summary>
/// <param name="Envelope">The envelope as the server delivered it (sender stamped by the server).</param>
/// <param name="Status">The outcome.</param>
/// <param name="Content">The decrypted content.</param>
public sealed record IncomingMessage(Envelope Envelope, IncomingStatus Status, MessageContent? Content)
{
    /// <summary>The sender account (authenticated by the server, and by the session's identity key).</summary>
    public string SenderAccountId => Envelope.SourceAccountId;

    /// <summary>The sender device.</summary>
    public int SenderDeviceId => Envelope.SourceDeviceId;

    /// <summary>True when the envelope may be deleted from the mailbox.</summary>
    public bool ShouldAck => Status != IncomingStatus.UntrustedIdentity && !Envelope.Ephemeral;
}

/// <summary>A send the server accepted.</summary>
/// <param name="Timestamp">The message's sender timestamp (its id for receipts).</param>
/// <param name="Envelopes">Envelope id per recipient device.</param>
/// <param name="DeviceListCorrections">How many 409/410 answers were corrected (devices refetched or dropped) before it went through.</param>
public sealed record SendResult(long Timestamp, IReadOnlyList<SentEnvelope> Envelopes, int DeviceListCorrections);

/// <summary>A contact's identity key is not the one this client trusts; compare safety numbers before accepting it.</summary>
public sealed class IdentityChangedException(string accountId)
    : Exception($"The identity key of account {accountId} changed. Compare safety numbers, then accept the new key.")
{
    /// <summary>The account whose key changed.</summary>
    public string AccountId { get; } = accountId;
}
