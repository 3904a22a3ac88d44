namespace Cloudy.Formats;

/// <summary>One device of a multi-recipient message's recipient: its device id and the registration id the sender's session had for it.</summary>
/// <param name="DeviceId">1 to 127.</param>
/// <param name="RegistrationId">14 bits (0 to 16383).</param>
public readonly record struct RecipientDevice(int DeviceId, int RegistrationId);

/// <summary>
/// One recipient (account) of a <see cref="SealedSenderMultiRecipientMessage"/>: its service id,
/// the devices the sender addressed (as listed; not deduplicated — the server checks them against
/// the account's own device list), and the 48 bytes of key material (<c>C ‖ AT</c>) every one of
/// those devices receives.
/// </summary>
public sealed class SealedSenderRecipient
{
    internal SealedSenderRecipient(ServiceId serviceId, IReadOnlyList<RecipientDevice> devices, ReadOnlyMemory<byte> keyMaterial)
    {
        ServiceId = serviceId;
        Devices = devices;
        KeyMaterial = keyMaterial;
    }

    /// <summary>Who the devices belong to.</summary>
    public ServiceId ServiceId { get; }

    /// <summary>The addressed devices, in message order (never empty).</summary>
    public IReadOnlyList<RecipientDevice> Devices { get; }

    /// <summary>The recipient's encrypted message key and authentication tag (<c>C ‖ AT</c>, 48 bytes).</summary>
    public ReadOnlyMemory<byte> KeyMaterial { get; }
}
