using BenchmarkDotNet.Attributes;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Benchmarks;

/// <summary>
/// Decryption alone on an established session: Bob's session is put back to its state before the
/// message (one record serialization, about 1 µs, included), then the same SignalMessage is
/// decrypted: a valid first decryption every time. BenchmarkDotNet's [IterationSetup] with a
/// pre-encrypted batch was tried and gave distorted figures (its setup garbage is collected inside
/// the measured iterations). Not sealed: BenchmarkDotNet generates a runner type around it.
/// </summary>
[MemoryDiagnoser]
public class DecryptBenchmarks
{
    private BenchDevice _alice = null!;
    private BenchDevice _bob = null!;
    private SessionRecord _before = null!;
    private CiphertextMessage _message = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        (_alice, _bob) = await BenchDevice.EstablishedAsync();

        // Alice's first message after Bob's reply starts her new chain: Bob's DH ratchet step
        // happens here, so the measured message is a same-chain decryption.
        await _bob.DecryptAsync(_alice, await _alice.EncryptAsync(_bob));
        _before = (await _bob.Store.LoadSessionAsync(_alice.Address))!;
        _message = await _alice.EncryptAsync(_bob);
    }

    /// <summary>One SignalMessage decrypted on an established session (same receiving chain).</summary>
    [Benchmark]
    public async Task<byte[]> Decrypt()
    {
        await _bob.Store.StoreSessionAsync(_alice.Address, _before);
        return await _bob.DecryptAsync(_alice, _message);
    }
}
