extern alias Service;

using Cloudy.Protocol.Keys;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;
using Service::Cloudy.KeyDirectory.Http;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>
/// A device's keys made the way a real client makes them, with Cloudy.Protocol: identity key pair,
/// signed prekey and Kyber1024 prekeys carrying real XEdDSA signatures by the identity key. The
/// private halves go into <see cref="Store"/>, so a session started from a fetched bundle can be answered.
/// </summary>
public sealed class ClientKeys
{
    /// <summary>Id of the signed prekey in <see cref="FullUpload"/>.</summary>
    public const uint SignedPreKeyId = 7;

    /// <summary>Id of the PQ last-resort key.</summary>
    public const uint LastResortId = 900_000;

    /// <summary>First id of PQ one-time keys (EC one-time keys start at 1).</summary>
    public const uint PqFirstId = 500_000;

    /// <summary>Creates a device with a fresh identity.</summary>
    public ClientKeys()
    {
        Identity = IdentityKeyPair.Generate();
        RegistrationId = Random.Shared.Next(1, 16381);
        Store = new InMemoryProtocolStore(Identity, (uint)RegistrationId);
    }

    /// <summary>The identity key pair.</summary>
    public IdentityKeyPair Identity { get; }

    /// <summary>libsignal registration id.</summary>
    public int RegistrationId { get; }

    /// <summary>The device's protocol store, holding every private key generated here.</summary>
    public InMemoryProtocolStore Store { get; }

    /// <summary>A complete first upload: identity, registration id, signed prekey, <paramref name="ec"/> EC and <paramref name="pq"/> PQ one-time keys, last resort.</summary>
    public UploadKeysRequest FullUpload(int ec, int pq, uint firstId = 1) => new(
        RegistrationId,
        Identity.IdentityKey.Serialize(),
        SignedPreKey(SignedPreKeyId),
        PreKeys(ec, firstId),
        PqPreKeys(pq, PqFirstId + firstId),
        Kyber(LastResortId, lastResort: true));

    /// <summary>A signed EC prekey with id <paramref name="id"/>.</summary>
    public SignedPreKeyEntity SignedPreKey(uint id)
    {
        var record = SignedPreKeyRecord.Generate(id, Identity);
        Store.StoreSignedPreKeyAsync(id, record).GetAwaiter().GetResult();
        return new SignedPreKeyEntity(id, record.KeyPair.PublicKey.Serialize(), record.Signature);
    }

    /// <summary>A signed Kyber1024 prekey with id <paramref name="id"/>.</summary>
    public SignedPreKeyEntity Kyber(uint id, bool lastResort = false)
    {
        var record = KyberPreKeyRecord.Generate(id, Identity);
        Store.StoreKyberPreKeyAsync(id, record, lastResort).GetAwaiter().GetResult();
        return new SignedPreKeyEntity(id, record.KeyPair.PublicKey.Serialize(), record.Signature);
    }

    /// <summary><paramref name="count"/> one-time EC prekeys with ids from <paramref name="firstId"/>.</summary>
    public List<PreKeyEntity?> PreKeys(int count, uint firstId = 1) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var record = PreKeyRecord.Generate(firstId + (uint)i);
            Store.StorePreKeyAsync(record.Id, record).GetAwaiter().GetResult();
            return (PreKeyEntity?)new PreKeyEntity(record.Id, record.KeyPair.PublicKey.Serialize());
        })];

    /// <summary><paramref name="count"/> signed PQ one-time prekeys with ids from <paramref name="firstId"/>.</summary>
    public List<SignedPreKeyEntity?> PqPreKeys(int count, uint firstId) =>
        [.. Enumerable.Range(0, count).Select(i => (SignedPreKeyEntity?)Kyber(firstId + (uint)i))];
}
