namespace Cloudy.Delivery.Domain;

/// <summary>Delivery settings (section <c>Delivery</c>); defaults suit both modes.</summary>
public sealed record DeliveryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Delivery";

    /// <summary>How long an unacknowledged envelope stays in a mailbox.</summary>
    public TimeSpan MailboxTtl { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Envelopes one device's mailbox may hold; a send to a full mailbox is refused (429 <c>mailbox-full</c>).</summary>
    public int MailboxCapacity { get; init; } = 5000;

    /// <summary>Largest ciphertext per recipient device, in bytes after base64url decoding (Signal's limit).</summary>
    public int MaxContentBytes { get; init; } = 96 * 1024;

    /// <summary>
    /// Largest send request body, in bytes: six devices at the full 96 KiB (base64url) plus JSON, and under
    /// Kafka's default 1 MiB message limit once wrapped as an event.
    /// </summary>
    public int MaxRequestBodyBytes { get; init; } = 900 * 1024;

    /// <summary>Most per-device messages in one send (identity allows 6 devices; headroom for growth).</summary>
    public int MaxMessagesPerSend { get; init; } = 16;

    /// <summary>Sends accepted per sender account in <see cref="SendRateWindow"/>.</summary>
    public int SendRatePermits { get; init; } = 300;

    /// <summary>Window of <see cref="SendRatePermits"/>.</summary>
    public TimeSpan SendRateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Envelopes a stream sends before it waits for acknowledgements.</summary>
    public int MaxInFlight { get; init; } = 64;

    /// <summary>Envelopes a REST fetch returns at most.</summary>
    public int MaxPageSize { get; init; } = 100;

    /// <summary>
    /// How often a live stream renews its connection key and re-announces <c>DeviceConnected</c>; the key
    /// lives three intervals, so a crashed instance's devices stop being routed to (and shown online) soon after.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lifetime of a connection key without renewal.</summary>
    public TimeSpan ConnectionTtl => HeartbeatInterval * 3;
}
