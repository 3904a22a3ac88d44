using System.Text;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.State;
using FsCheck.Xunit;

namespace Cloudy.Protocol.Tests.Groups;

/// <summary>
/// The sender-key decoders fuzzed (random and mutated inputs from fixed seeds: only the documented
/// exception types may come out), mutated messages through <see cref="GroupCipher"/> (never
/// accepted, never a change to the record), and FsCheck properties of the chain (Replay pins the
/// seed, so every run checks the same cases).
/// </summary>
public sealed class SenderKeyFuzzTests
{
    private const string Seed = "(20261124,20261125)";
    private const int Cases = DecoderFuzzTests.RandomCases + DecoderFuzzTests.MutatedCases;

    [Fact]
    public async Task SenderKeyMessageDeserialize_RandomAndMutatedInputs_OnlyTypedExceptions()
    {
        var (alice, _, distributionId) = await DistributedAsync();
        var seeds = await alice.EncryptAsync(distributionId, ["", "x", new string('y', 100)]);

        var result = DecoderFuzzTests.Fuzz(seeds, 201, 300, bytes => SenderKeyMessage.Deserialize(bytes), typeof(InvalidMessageException), typeof(InvalidVersionException));

        result.AssertMeaningful(Cases);
    }

    [Fact]
    public async Task SenderKeyDistributionMessageDeserialize_RandomAndMutatedInputs_OnlyTypedExceptions()
    {
        var alice = new CloudyGroupParty("alice");
        byte[][] seeds = [await alice.CreateDistributionAsync(Guid.NewGuid()), await alice.CreateDistributionAsync(Guid.NewGuid())];

        var result = DecoderFuzzTests.Fuzz(seeds, 202, 200, bytes => SenderKeyDistributionMessage.Deserialize(bytes), typeof(InvalidMessageException), typeof(InvalidVersionException));

        result.AssertMeaningful(Cases);
    }

    [Fact]
    public async Task SenderKeyRecordDeserialize_RandomAndMutatedInputs_OnlyInvalidRecord()
    {
        var (alice, bob, distributionId) = await DistributedAsync();
        var messages = await alice.EncryptAsync(distributionId, ["0", "1", "2", "3"]);
        _ = await bob.DecryptAsync(alice.Address, [messages[3]]);
        await bob.ProcessDistributionAsync(alice.Address, await alice.RotateAsync(distributionId));
        byte[][] seeds = [(await alice.RecordBytesAsync(alice.Address, distributionId))!, (await bob.RecordBytesAsync(alice.Address, distributionId))!];

        var result = DecoderFuzzTests.Fuzz(seeds, 203, 600, bytes => SenderKeyRecord.Deserialize(bytes), typeof(InvalidRecordException));

        result.AssertMeaningful(Cases);
    }

    [Fact]
    public async Task Decrypt_MutatedMessages_NeverAcceptedOnlyTypedErrorsAndRecordUnchanged()
    {
        var (alice, bob, distributionId) = await DistributedAsync();
        var original = (await alice.EncryptAsync(distributionId, ["fuzz me"], skip: 2))[0];
        var before = await bob.RecordBytesAsync(alice.Address, distributionId);
        var random = new Random(204);
        var mutated = new List<byte[]>();
        while (mutated.Count < 1500)
        {
            var candidate = DecoderFuzzInputs.Mutate(random, original);
            if (!candidate.AsSpan().SequenceEqual(original))
            {
                mutated.Add(candidate);
            }
        }

        // Every byte before the signature is signed, and the signature itself is checked exactly.
        var results = await bob.DecryptAsync(alice.Address, mutated);

        Assert.All(results, r => Assert.Null(r.Plaintext));
        Assert.Contains(results, r => r.Failure == GroupFailure.Signature);
        Assert.Contains(results, r => r.Failure == GroupFailure.Invalid);
        Assert.Equal(before, await bob.RecordBytesAsync(alice.Address, distributionId));
        Assert.Equal([GroupDecryptResult.Ok("fuzz me")], await bob.DecryptAsync(alice.Address, [original]));
    }

    [Property(MaxTest = 30, Replay = Seed)]
    public async Task Decrypt_AnyDeliveryOrderWithReplays_EachPlaintextExactlyOnce(byte count, int shuffleSeed)
    {
        var (alice, bob, distributionId) = await DistributedAsync();
        var texts = Enumerable.Range(0, 1 + (count % 40)).Select(i => $"p{i}").ToList();
        var messages = await alice.EncryptAsync(distributionId, texts);
        var random = new Random(shuffleSeed);

        // Every message once, plus a random third of them again, all shuffled together.
        var order = Enumerable.Range(0, texts.Count).Concat(Enumerable.Range(0, texts.Count).Where(_ => random.Next(3) == 0)).ToArray();
        random.Shuffle(order);
        var results = await bob.DecryptAsync(alice.Address, order.Select(i => messages[i]).ToList());

        var seen = new HashSet<int>();
        for (var k = 0; k < order.Length; k++)
        {
            if (seen.Add(order[k]))
            {
                Assert.Equal(GroupDecryptResult.Ok(texts[order[k]]), results[k]);
            }
            else
            {
                Assert.Equal(GroupFailure.Duplicate, results[k].Failure);
            }
        }
    }

    [Property(MaxTest = 20, Replay = Seed)]
    public async Task Encrypt_ManyMessages_NeverReusesAKeyOrIteration(byte count)
    {
        var (alice, _, distributionId) = await DistributedAsync();

        // The same plaintext each time: equal AES-CBC ciphertexts would mean a repeated key and IV.
        var messages = await alice.EncryptAsync(distributionId, Enumerable.Repeat("same plaintext", 2 + (count % 60)).ToList());

        var parsed = messages.Select(m => SenderKeyMessage.Deserialize(m)).ToList();
        Assert.Equal(parsed.Count, parsed.Select(m => Convert.ToHexString(m.Ciphertext.Span)).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, parsed.Count).Select(i => (uint)i), parsed.Select(m => m.Iteration));
    }

    [Property(MaxTest = 40, Replay = Seed)]
    public void DistributionMessage_AnyFields_RoundTripsThroughTheWire(Guid distributionId, uint chainId, uint iteration, byte keySeed)
    {
        var chainKey = Enumerable.Range(0, 32).Select(i => (byte)(keySeed * 31 + i)).ToArray();
        var signing = Keys.ECKeyPair.Generate().PublicKey;

        var parsed = SenderKeyDistributionMessage.Deserialize(SenderKeyDistributionMessage.Create(3, distributionId, chainId, iteration, chainKey, signing).Serialize());

        Assert.Equal((distributionId, chainId, iteration), (parsed.DistributionId, parsed.ChainId, parsed.Iteration));
        Assert.Equal(chainKey, parsed.ChainKey.ToArray());
        Assert.Equal(signing, parsed.SigningKey);
    }

    [Property(MaxTest = 6, Replay = Seed)]
    public async Task Decrypt_JumpWithinBounds_HeldBackMessagesDecryptUntilKeyDropped(int jumpSeed)
    {
        var (alice, bob, distributionId) = await DistributedAsync();

        // Spread over the whole range, across the stored-key bound (FsCheck's own ints stay small).
        var skipped = new Random(jumpSeed).Next(Limits.MaxMessageKeys + 50);
        var texts = Enumerable.Range(0, skipped + 1).Select(i => $"j{i}").ToList();
        var messages = await alice.EncryptAsync(distributionId, texts);

        Assert.Equal("j" + skipped, (await bob.DecryptAsync(alice.Address, [messages[^1]]))[0].Plaintext);

        // Keys for the newest MaxMessageKeys skipped iterations are kept; anything older is gone.
        foreach (var i in new[] { 0, skipped / 2, skipped - 1 }.Where(i => i >= 0 && i < skipped).Distinct())
        {
            var result = (await bob.DecryptAsync(alice.Address, [messages[i]]))[0];
            if (skipped - i <= Limits.MaxMessageKeys)
            {
                Assert.Equal(GroupDecryptResult.Ok(texts[i]), result);
            }
            else
            {
                Assert.Equal(GroupFailure.Duplicate, result.Failure);
            }
        }
    }

    private static async Task<(CloudyGroupParty Alice, CloudyGroupParty Bob, Guid DistributionId)> DistributedAsync()
    {
        var alice = new CloudyGroupParty("alice");
        var bob = new CloudyGroupParty("bob");
        return (alice, bob, await GroupScenarios.DistributeAsync(alice, bob));
    }
}
