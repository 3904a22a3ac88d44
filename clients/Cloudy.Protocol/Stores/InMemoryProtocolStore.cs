using System.Collections.Concurrent;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Stores;

/// <summary>
/// In-memory store for tests and ephemeral clients. Records are kept serialized, so a stored object
/// can never be mutated behind the store's back (as with a real database).
/// </summary>
public sealed class InMemoryProtocolStore : IProtocolStore
{
    private readonly IdentityKeyPair _identity;
    private readonly uint _registrationId;
    private readonly ConcurrentDictionary<ProtocolAddress, byte[]> _identities = new();
    private readonly ConcurrentDictionary<uint, byte[]> _preKeys = new();
    private readonly ConcurrentDictionary<uint, byte[]> _signedPreKeys = new();
    private readonly ConcurrentDictionary<uint, (byte[] Record, bool LastResort)> _kyberPreKeys = new();
    private readonly ConcurrentDictionary<ProtocolAddress, byte[]> _sessions = new();
    private readonly ConcurrentDictionary<(ProtocolAddress Sender, Guid DistributionId), byte[]> _senderKeys = new();

    /// <summary>Creates a store holding <paramref name="identity"/>.</summary>
    public InMemoryProtocolStore(IdentityKeyPair identity, uint registrationId)
    {
        _identity = identity;
        _registrationId = registrationId;
    }

    /// <inheritdoc />
    public Task<IdentityKeyPair> GetIdentityKeyPairAsync(CancellationToken cancellationToken = default) => Task.FromResult(_identity);

    /// <inheritdoc />
    public Task<uint> GetLocalRegistrationIdAsync(CancellationToken cancellationToken = default) => Task.FromResult(_registrationId);

    /// <inheritdoc />
    public Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identity, CancellationToken cancellationToken = default)
    {
        var serialized = identity.Serialize();
        var replaced = false;
        _identities.AddOrUpdate(address, serialized, (_, old) =>
        {
            replaced = !old.AsSpan().SequenceEqual(serialized);
            return serialized;
        });
        return Task.FromResult(replaced);
    }

    /// <inheritdoc />
    public Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identity, Direction direction, CancellationToken cancellationToken = default) =>
        Task.FromResult(!_identities.TryGetValue(address, out var known) || IdentityKey.Deserialize(known).Equals(identity));

    /// <inheritdoc />
    public Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address, CancellationToken cancellationToken = default) =>
        Task.FromResult(_identities.TryGetValue(address, out var known) ? IdentityKey.Deserialize(known) : null);

    /// <inheritdoc />
    public Task<PreKeyRecord?> LoadPreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_preKeys.TryGetValue(id, out var r) ? PreKeyRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StorePreKeyAsync(uint id, PreKeyRecord record, CancellationToken cancellationToken = default)
    {
        _preKeys[id] = record.Serialize();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemovePreKeyAsync(uint id, CancellationToken cancellationToken = default)
    {
        _preKeys.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_signedPreKeys.TryGetValue(id, out var r) ? SignedPreKeyRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StoreSignedPreKeyAsync(uint id, SignedPreKeyRecord record, CancellationToken cancellationToken = default)
    {
        _signedPreKeys[id] = record.Serialize();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<KyberPreKeyRecord?> LoadKyberPreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_kyberPreKeys.TryGetValue(id, out var r) ? KyberPreKeyRecord.Deserialize(r.Record) : null);

    /// <inheritdoc />
    public Task StoreKyberPreKeyAsync(uint id, KyberPreKeyRecord record, bool lastResort = false, CancellationToken cancellationToken = default)
    {
        _kyberPreKeys[id] = (record.Serialize(), lastResort);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task MarkKyberPreKeyUsedAsync(uint id, CancellationToken cancellationToken = default)
    {
        if (_kyberPreKeys.TryGetValue(id, out var entry) && !entry.LastResort)
        {
            _kyberPreKeys.TryRemove(id, out _);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address, CancellationToken cancellationToken = default) =>
        Task.FromResult(_sessions.TryGetValue(address, out var r) ? SessionRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StoreSessionAsync(ProtocolAddress address, SessionRecord record, CancellationToken cancellationToken = default)
    {
        _sessions[address] = record.Serialize();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_senderKeys.TryGetValue((sender, distributionId), out var r) ? SenderKeyRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        _senderKeys[(sender, distributionId)] = record.Serialize();
        return Task.CompletedTask;
    }
}
