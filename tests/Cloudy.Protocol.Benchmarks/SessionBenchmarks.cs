using BenchmarkDotNet.Attributes;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Benchmarks;

/// <summary>
/// Session setup, encryption and DH ratchet steps (see tests/interop/bench.mjs for libsignal's side).
/// Not sealed: BenchmarkDotNet generates a runner type around it.
/// </summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private BenchDevice _alice = null!;
    private BenchDevice _bob = null!;
    private BenchDevice _initiator = null!;
    private PreKeyBundle _bundle = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        (_alice, _bob) = await BenchDevice.EstablishedAsync();
        _initiator = new BenchDevice("initiator");
        _bundle = await _bob.PublishBundleAsync();
    }

    /// <summary>PQXDH from a bundle (signature checks, Kyber1024 encapsulation, 4 X25519) into a fresh store.</summary>
    [Benchmark]
    public Task SessionSetupFromBundle()
    {
        _initiator.ResetStore();
        return new SessionBuilder(_initiator.Store, _bob.Address).ProcessPreKeyBundleAsync(_bundle);
    }

    /// <summary>One message on an established session (same sending chain).</summary>
    [Benchmark]
    public Task Encrypt() => _alice.EncryptAsync(_bob);

    /// <summary>One message sent and received on the same chain.</summary>
    [Benchmark]
    public async Task EncryptDecrypt() => await _bob.DecryptAsync(_alice, await _alice.EncryptAsync(_bob));

    /// <summary>A→B then B→A: each decrypt after a turn change performs a DH ratchet step.</summary>
    [Benchmark]
    public async Task RatchetRoundTrip()
    {
        await _bob.DecryptAsync(_alice, await _alice.EncryptAsync(_bob));
        await _alice.DecryptAsync(_bob, await _bob.EncryptAsync(_alice));
    }
}
