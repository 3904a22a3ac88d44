using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol.Tests;

/// <summary>A simulated Cloudy device: identity, in-memory store, and helpers to publish a bundle.</summary>
internal sealed class CloudyParty : ITestParty
{
    public CloudyParty(string name, uint registrationId = 1, uint deviceId = 1, IdentityKeyPair? identity = null)
    {
        Address = new ProtocolAddress(name, deviceId);
        Identity = identity ?? IdentityKeyPair.Generate();
        Store = new InMemoryProtocolStore(Identity, registrationId);
        RegistrationId = registrationId;
    }

    public ProtocolAddress Address { get; }

    public IdentityKeyPair Identity { get; }

    public InMemoryProtocolStore Store { get; }

    public uint RegistrationId { get; }

    /// <summary>Generates and stores prekeys; returns the public bundle as the key directory would serve it.</summary>
    public async Task<PreKeyBundle> CreateBundleAsync(uint? preKeyId, uint signedPreKeyId, uint kyberPreKeyId)
    {
        var signed = SignedPreKeyRecord.Generate(signedPreKeyId, Identity);
        await Store.StoreSignedPreKeyAsync(signedPreKeyId, signed);
        var kyber = KyberPreKeyRecord.Generate(kyberPreKeyId, Identity);
        await Store.StoreKyberPreKeyAsync(kyberPreKeyId, kyber);
        PreKeyRecord? oneTime = null;
        if (preKeyId is { } id)
        {
            oneTime = PreKeyRecord.Generate(id);
            await Store.StorePreKeyAsync(id, oneTime);
        }
        return new PreKeyBundle(RegistrationId, Address.DeviceId, preKeyId, oneTime?.KeyPair.PublicKey, signedPreKeyId, signed.KeyPair.PublicKey,
            signed.Signature, Identity.IdentityKey, kyberPreKeyId, kyber.KeyPair.PublicKey, kyber.Signature);
    }

    public SessionCipher CipherFor(ProtocolAddress remote) => new(Store, remote);

    public Task StartSessionAsync(ProtocolAddress remote, PreKeyBundle bundle) => new SessionBuilder(Store, remote).ProcessPreKeyBundleAsync(bundle);

    public Task<CiphertextMessage> EncryptAsync(ProtocolAddress remote, string text) => CipherFor(remote).EncryptAsync(System.Text.Encoding.UTF8.GetBytes(text));

    public async Task<string> DecryptAsync(ProtocolAddress remote, CiphertextMessage message) =>
        System.Text.Encoding.UTF8.GetString(await CipherFor(remote).DecryptAsync(message));

    /// <summary>The stored session bytes (null if none): equality before/after proves a rejected message changed nothing.</summary>
    public async Task<byte[]?> SessionBytesAsync(ProtocolAddress remote) => (await Store.LoadSessionAsync(remote))?.Serialize();
}
