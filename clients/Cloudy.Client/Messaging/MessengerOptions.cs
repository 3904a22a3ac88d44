namespace Cloudy.Client.Messaging;

/// <summary>How a <see cref="Messenger"/> manages keys and receipts.</summary>
public sealed record MessengerOptions
{
    /// <summary>One-time EC prekeys per upload (the server takes at most 100).</summary>
    public int OneTimePreKeys { get; init; } = 50;

    /// <summary>PQ (Kyber1024) one-time prekeys per upload; each is ~1.6 KB, so fewer than EC keys.</summary>
    public int PqPreKeys { get; init; } = 20;

    /// <summary>Refill a kind of one-time prekeys when the server holds fewer than this (the server's PreKeysLow threshold is 10).</summary>
    public int RefillBelow { get; init; } = 10;

    /// <summary>Answer every received text with an end-to-end encrypted delivery receipt.</summary>
    public bool SendDeliveryReceipts { get; init; } = true;

    /// <summary>How many times a send is retried after the server corrected the device list (409 / 410).</summary>
    public int MaxSendAttempts { get; init; } = 3;
}
