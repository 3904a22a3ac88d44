using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Stores;

/// <summary>One-time Curve25519 prekeys.</summary>
public interface IPreKeyStore
{
    /// <summary>The prekey with <paramref name="id"/>, or null.</summary>
    Task<PreKeyRecord?> LoadPreKeyAsync(uint id, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) a prekey.</summary>
    Task StorePreKeyAsync(uint id, PreKeyRecord record, CancellationToken cancellationToken = default);

    /// <summary>Deletes a prekey (after it was used once).</summary>
    Task RemovePreKeyAsync(uint id, CancellationToken cancellationToken = default);
}

/// <summary>Signed Curve25519 prekeys.</summary>
public interface ISignedPreKeyStore
{
    /// <summary>The signed prekey with <paramref name="id"/>, or null.</summary>
    Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint id, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) a signed prekey.</summary>
    Task StoreSignedPreKeyAsync(uint id, SignedPreKeyRecord record, CancellationToken cancellationToken = default);
}

/// <summary>Signed post-quantum (Kyber1024) prekeys: one-time ones and last-resort ones.</summary>
public interface IKyberPreKeyStore
{
    /// <summary>The Kyber prekey with <paramref name="id"/>, or null.</summary>
    Task<KyberPreKeyRecord?> LoadKyberPreKeyAsync(uint id, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) a Kyber prekey; <paramref name="lastResort"/> keys survive use.</summary>
    Task StoreKyberPreKeyAsync(uint id, KyberPreKeyRecord record, bool lastResort = false, CancellationToken cancellationToken = default);

    /// <summary>Called after a Kyber prekey was used: one-time keys are deleted, last-resort keys kept.</summary>
    Task MarkKyberPreKeyUsedAsync(uint id, CancellationToken cancellationToken = default);
}

/// <summary>Session records per remote address.</summary>
public interface ISessionStore
{
    /// <summary>The record for <paramref name="address"/>, or null.</summary>
    Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address, CancellationToken cancellationToken = default);

    /// <summary>Stores (replaces) the record for <paramref name="address"/>.</summary>
    Task StoreSessionAsync(ProtocolAddress address, SessionRecord record, CancellationToken cancellationToken = default);
}

/// <summary>Everything a client needs, as one object.</summary>
public interface IProtocolStore : IIdentityKeyStore, IPreKeyStore, ISignedPreKeyStore, IKyberPreKeyStore, ISessionStore, ISenderKeyStore;
