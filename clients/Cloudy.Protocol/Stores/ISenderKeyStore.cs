using Cloudy.Protocol.Groups;

namespace Cloudy.Protocol.Stores;

/// <summary>
/// Sender-key records per (sender device, distribution id): our own sending chains under our own
/// address, and every group member's chains we received under theirs.
/// </summary>
public interface ISenderKeyStore
{
    /// <summary>The record for <paramref name="sender"/> and <paramref name="distributionId"/>, or null.</summary>
    Task<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default);

    /// <summary>Stores (replaces) the record for <paramref name="sender"/> and <paramref name="distributionId"/>.</summary>
    Task StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record, CancellationToken cancellationToken = default);
}
