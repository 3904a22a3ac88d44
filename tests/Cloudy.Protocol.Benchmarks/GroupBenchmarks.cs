using BenchmarkDotNet.Attributes;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol.Benchmarks;

/// <summary>
/// Sender-key (group) encryption and decryption on an established chain, 128-byte plaintext, stores
/// keeping records serialized (see tests/interop/bench.mjs for libsignal's side). Decryption puts the
/// receiver's record back before each run, as <see cref="DecryptBenchmarks"/> does, so every run is a
/// valid first decryption of the same message. Not sealed: BenchmarkDotNet generates a runner type around it.
/// </summary>
[MemoryDiagnoser]
public class GroupBenchmarks
{
    private static readonly ProtocolAddress Alice = new("alice", 1);
    private readonly Guid _distributionId = Guid.NewGuid();
    private GroupCipher _sender = null!;
    private InMemoryProtocolStore _receiverStore = null!;
    private GroupCipher _receiver = null!;
    private SenderKeyRecord _before = null!;
    private SenderKeyMessage _message = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sender = new GroupCipher(new InMemoryProtocolStore(IdentityKeyPair.Generate(), 1));
        _receiverStore = new InMemoryProtocolStore(IdentityKeyPair.Generate(), 2);
        _receiver = new GroupCipher(_receiverStore);
        await _receiver.ProcessDistributionMessageAsync(Alice, await _sender.CreateDistributionMessageAsync(Alice, _distributionId));
        await _receiver.DecryptAsync(Alice, await _sender.EncryptAsync(Alice, _distributionId, BenchDevice.Plaintext));
        _before = (await _receiverStore.LoadSenderKeyAsync(Alice, _distributionId))!;
        _message = await _sender.EncryptAsync(Alice, _distributionId, BenchDevice.Plaintext);
    }

    /// <summary>One group message: chain step, AES-CBC, XEdDSA signature, record stored.</summary>
    [Benchmark]
    public Task<SenderKeyMessage> GroupEncrypt() => _sender.EncryptAsync(Alice, _distributionId, BenchDevice.Plaintext);

    /// <summary>One group message received on the same chain: signature check, chain step, AES-CBC, record stored.</summary>
    [Benchmark]
    public async Task<byte[]> GroupDecrypt()
    {
        await _receiverStore.StoreSenderKeyAsync(Alice, _distributionId, _before);
        return await _receiver.DecryptAsync(Alice, _message);
    }

    /// <summary>One group message sent and received.</summary>
    [Benchmark]
    public async Task<byte[]> GroupEncryptDecrypt() => await _receiver.DecryptAsync(Alice, await _sender.EncryptAsync(Alice, _distributionId, BenchDevice.Plaintext));
}
