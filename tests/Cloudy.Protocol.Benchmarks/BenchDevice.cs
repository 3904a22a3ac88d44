using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol.Benchmarks;

/// <summary>
/// A device for the benchmarks: identity, in-memory store (records kept serialized, like
/// tests/interop/bench.mjs's stores) and a published bundle, mirroring bench.mjs operation for operation.
/// </summary>
public sealed class BenchDevice
{
    /// <summary>128 bytes, the plaintext size both benchmark sides use.</summary>
    public static readonly byte[] Plaintext = Enumerable.Repeat((byte)0x61, 128).ToArray();

    public BenchDevice(string name)
    {
        Address = new ProtocolAddress(name, 1);
        Identity = IdentityKeyPair.Generate();
        Store = new InMemoryProtocolStore(Identity, 1);
    }

    public ProtocolAddress Address { get; }

    public IdentityKeyPair Identity { get; }

    public InMemoryProtocolStore Store { get; private set; }

    /// <summary>Alice and Bob with an acknowledged session (Bob replied; Alice now sends SignalMessages).</summary>
    public static async Task<(BenchDevice Alice, BenchDevice Bob)> EstablishedAsync()
    {
        var alice = new BenchDevice("alice");
        var bob = new BenchDevice("bob");
        await new SessionBuilder(alice.Store, bob.Address).ProcessPreKeyBundleAsync(await bob.PublishBundleAsync());
        await bob.DecryptAsync(alice, await alice.EncryptAsync(bob));
        await alice.DecryptAsync(bob, await bob.EncryptAsync(alice));
        return (alice, bob);
    }

    /// <summary>A fresh, empty store for the same identity (session setup starts from nothing).</summary>
    public void ResetStore() => Store = new InMemoryProtocolStore(Identity, 1);

    /// <summary>Stores prekeys (one-time, signed, Kyber last-resort) and returns the public bundle.</summary>
    public async Task<PreKeyBundle> PublishBundleAsync()
    {
        var signed = SignedPreKeyRecord.Generate(2, Identity);
        await Store.StoreSignedPreKeyAsync(2, signed);
        var kyber = KyberPreKeyRecord.Generate(3, Identity);
        await Store.StoreKyberPreKeyAsync(3, kyber, lastResort: true);
        var oneTime = PreKeyRecord.Generate(1);
        await Store.StorePreKeyAsync(1, oneTime);
        return new PreKeyBundle(1, 1, 1, oneTime.KeyPair.PublicKey, 2, signed.KeyPair.PublicKey, signed.Signature,
            Identity.IdentityKey, 3, kyber.KeyPair.PublicKey, kyber.Signature);
    }

    public Task<CiphertextMessage> EncryptAsync(BenchDevice to) => new SessionCipher(Store, to.Address).EncryptAsync(Plaintext);

    public Task<byte[]> DecryptAsync(BenchDevice from, CiphertextMessage message) => new SessionCipher(Store, from.Address).DecryptAsync(message);
}
