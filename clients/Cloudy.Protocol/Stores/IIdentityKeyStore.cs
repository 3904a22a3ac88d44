using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.Stores;

/// <summary>Our identity and the identities we have seen for remote addresses (trust on first use).</summary>
public interface IIdentityKeyStore
{
    /// <summary>Our identity key pair.</summary>
    Task<IdentityKeyPair> GetIdentityKeyPairAsync(CancellationToken cancellationToken = default);

    /// <summary>Our registration id (sent in PreKeySignalMessages).</summary>
    Task<uint> GetLocalRegistrationIdAsync(CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="identity"/> for <paramref name="address"/>; returns true if it replaced a different key.</summary>
    Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identity, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="identity"/> is acceptable for <paramref name="address"/>.</summary>
    Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identity, Direction direction, CancellationToken cancellationToken = default);

    /// <summary>The identity recorded for <paramref name="address"/>, if any.</summary>
    Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address, CancellationToken cancellationToken = default);
}
