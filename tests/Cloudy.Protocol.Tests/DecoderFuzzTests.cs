using System.Text;
using Cloudy.Protocol.Fingerprints;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.Recovery;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Tests;

/// <summary>
/// Fuzzes every decoder with random and mutated inputs from fixed seeds: each input must either
/// decode or raise the decoder's documented exception type; anything else (a crash, an
/// IndexOutOfRange, an ArgumentException, a plain FormatException) fails the test.
/// </summary>
public sealed class DecoderFuzzTests
{
    internal const int RandomCases = 1000;
    internal const int MutatedCases = 3000;

    [Fact]
    public async Task SignalMessageDeserialize_RandomAndMutatedInputs_OnlyTypedExceptions()
    {
        var seeds = await Seeds.WhisperMessagesAsync();

        var result = Fuzz(seeds, 101, 200, bytes => SignalMessage.Deserialize(bytes), typeof(InvalidMessageException), typeof(InvalidVersionException));

        result.AssertMeaningful(RandomCases + MutatedCases);
    }

    [Fact]
    public async Task PreKeySignalMessageDeserialize_RandomAndMutatedInputs_OnlyTypedExceptions()
    {
        var seeds = await Seeds.PreKeyMessagesAsync();

        var result = Fuzz(seeds, 102, 2000, bytes => PreKeySignalMessage.Deserialize(bytes), typeof(InvalidMessageException), typeof(InvalidVersionException));

        result.AssertMeaningful(RandomCases + MutatedCases);
    }

    [Fact]
    public async Task SessionRecordDeserialize_RandomAndMutatedInputs_OnlyInvalidRecord()
    {
        var seeds = await Seeds.SessionRecordsAsync();

        var result = Fuzz(seeds, 103, 600, bytes => SessionRecord.Deserialize(bytes), typeof(InvalidRecordException));

        result.AssertMeaningful(RandomCases + MutatedCases);
    }

    [Fact]
    public void PreKeyRecordDeserializers_RandomAndMutatedInputs_OnlyInvalidRecord()
    {
        var identity = IdentityKeyPair.Generate();

        var oneTime = Fuzz([PreKeyRecord.Generate(1).Serialize()], 104, 120, bytes => PreKeyRecord.Deserialize(bytes), typeof(InvalidRecordException));
        var signed = Fuzz([SignedPreKeyRecord.Generate(2, identity).Serialize()], 105, 200, bytes => SignedPreKeyRecord.Deserialize(bytes), typeof(InvalidRecordException));
        var kyber = Fuzz([KyberPreKeyRecord.Generate(3, identity).Serialize()], 106, 200, bytes => KyberPreKeyRecord.Deserialize(bytes), typeof(InvalidRecordException));

        oneTime.AssertMeaningful(RandomCases + MutatedCases);
        signed.AssertMeaningful(RandomCases + MutatedCases);
        kyber.AssertMeaningful(RandomCases + MutatedCases);
    }

    [Fact]
    public void KeyDeserializers_RandomAndMutatedInputs_OnlyInvalidKey()
    {
        var pair = IdentityKeyPair.Generate();
        var kyber = KyberKeyPair.Generate();

        var identityPair = Fuzz([pair.Serialize()], 107, 120, bytes => IdentityKeyPair.Deserialize(bytes), typeof(InvalidKeyException));
        var identity = Fuzz([pair.IdentityKey.Serialize()], 108, 40, bytes => IdentityKey.Deserialize(bytes), typeof(InvalidKeyException));
        var publicKey = Fuzz([pair.PublicKey.Serialize()], 109, 40, bytes => ECPublicKey.Deserialize(bytes), typeof(InvalidKeyException));
        var kyberPublic = Fuzz([kyber.PublicKey.Serialize()], 110, 1600, bytes => KyberPublicKey.Deserialize(bytes), typeof(InvalidKeyException));

        identityPair.AssertMeaningful(RandomCases + MutatedCases);
        identity.AssertMeaningful(RandomCases + MutatedCases);
        publicKey.AssertMeaningful(RandomCases + MutatedCases);
        kyberPublic.AssertMeaningful(RandomCases + MutatedCases);
    }

    [Fact]
    public void ScannableFingerprint_RandomAndMutatedInputs_OnlyFingerprintExceptions()
    {
        var generator = new NumericFingerprintGenerator(2);
        var a = IdentityKeyPair.Generate().IdentityKey;
        var b = IdentityKeyPair.Generate().IdentityKey;
        var ours = generator.CreateFor(2, "alice"u8, a, "bob"u8, b).Scannable;
        var theirs = generator.CreateFor(2, "bob"u8, b, "alice"u8, a).Scannable.Serialize();

        var decode = Fuzz([theirs], 111, 120, bytes => ScannableFingerprint.Deserialize(bytes), typeof(FingerprintParsingException));
        var compare = Fuzz([theirs], 112, 120, bytes => ours.Compare(bytes), typeof(FingerprintParsingException), typeof(FingerprintVersionMismatchException));

        decode.AssertMeaningful(RandomCases + MutatedCases);
        compare.AssertMeaningful(RandomCases + MutatedCases);
    }

    [Fact]
    public void RecoveryKeyParse_RandomAndMutatedWordLists_OnlyRecoveryKeyFormat()
    {
        using var key = RecoveryKey.Generate();
        var seed = Encoding.ASCII.GetBytes(key.ToMnemonic());

        // Mutated bytes become (possibly non-ASCII) text; random word picks exercise the checksum.
        var text = Fuzz([seed], 113, 300, bytes => RecoveryKey.Parse(Encoding.UTF8.GetString(bytes)), typeof(RecoveryKeyFormatException));
        var random = new Random(114);
        var checksumFailures = 0;
        for (var i = 0; i < 2000; i++)
        {
            var words = Enumerable.Range(0, RecoveryKey.WordCount).Select(_ => Bip39Wordlist.Words[random.Next(Bip39Wordlist.Count)]);
            try
            {
                RecoveryKey.Parse(string.Join(' ', words)).Dispose();
            }
            catch (RecoveryKeyFormatException e) when (e.Error == RecoveryKeyError.Checksum)
            {
                checksumFailures++;
            }
        }

        text.AssertMeaningful(RandomCases + MutatedCases);

        // 8 checksum bits: about 255 of 256 random word lists must fail.
        Assert.InRange(checksumFailures, 1900, 2000);
    }

    [Fact]
    public async Task DecryptAsync_MutatedWhisperMessages_AllRejectedTypedAndSessionUnchanged()
    {
        var alice = new CloudyParty("alice");
        var bob = new CloudyParty("bob");
        await ConversationScenarios.EstablishAsync(alice, bob, withOneTimePreKey: true);
        var original = await alice.EncryptAsync(bob.Address, "fuzz me");
        var before = await bob.SessionBytesAsync(alice.Address);
        var random = new Random(115);
        var cases = 0;

        for (var i = 0; i < 1500; i++)
        {
            var mutated = DecoderFuzzInputs.Mutate(random, original.Body);
            if (mutated.AsSpan().SequenceEqual(original.Body))
            {
                continue;
            }

            // Every byte but the MAC is authenticated by the MAC, and the MAC compares exactly: no change may pass.
            var e = await Assert.ThrowsAnyAsync<ProtocolException>(() => bob.DecryptAsync(alice.Address, original with { Body = mutated }));
            Assert.True(e is InvalidMessageException or InvalidVersionException or DuplicateMessageException, e.ToString());
            Assert.Equal(before, await bob.SessionBytesAsync(alice.Address));
            cases++;
        }

        Assert.True(cases > 1400);
        Assert.Equal("fuzz me", await bob.DecryptAsync(alice.Address, original));
    }

    [Fact]
    public async Task DecryptAsync_MutatedPreKeyMessages_RejectedTypedOrSamePlaintextAndNothingStoredOnFailure()
    {
        var alice = new CloudyParty("alice");
        var bob = new CloudyParty("bob");
        await alice.StartSessionAsync(bob.Address, await bob.CreateBundleAsync(11, 12, 13));
        var original = await alice.EncryptAsync(bob.Address, "first words");
        var records = (
            PreKey: (await bob.Store.LoadPreKeyAsync(11))!.Serialize(),
            Signed: (await bob.Store.LoadSignedPreKeyAsync(12))!.Serialize(),
            Kyber: (await bob.Store.LoadKyberPreKeyAsync(13))!.Serialize());
        var random = new Random(116);
        var (rejected, accepted) = (0, 0);

        for (var i = 0; i < 400; i++)
        {
            // A fresh copy of Bob's device per case: an accepted message consumes his one-time prekey.
            var store = new Stores.InMemoryProtocolStore(bob.Identity, bob.RegistrationId);
            await store.StorePreKeyAsync(11, PreKeyRecord.Deserialize(records.PreKey));
            await store.StoreSignedPreKeyAsync(12, SignedPreKeyRecord.Deserialize(records.Signed));
            await store.StoreKyberPreKeyAsync(13, KyberPreKeyRecord.Deserialize(records.Kyber));
            var mutated = original with { Body = DecoderFuzzInputs.Mutate(random, original.Body) };

            try
            {
                // Unauthenticated outer fields (e.g. the registration id) may change without harm,
                // but then the plaintext must be exactly the one sent.
                Assert.Equal("first words", Encoding.UTF8.GetString(await new SessionCipher(store, alice.Address).DecryptAsync(mutated)));
                accepted++;
            }
            catch (ProtocolException e) when (e is InvalidMessageException or InvalidVersionException or InvalidKeyIdException or InvalidKeyException)
            {
                Assert.Null(await store.LoadSessionAsync(alice.Address));
                Assert.NotNull(await store.LoadPreKeyAsync(11));
                rejected++;
            }
        }

        Assert.True(rejected > 300, $"only {rejected} rejected, {accepted} accepted");
    }

    /// <summary>Random inputs and mutations of <paramref name="seeds"/> through <paramref name="decode"/>: each must decode or raise one of <paramref name="allowed"/>.</summary>
    internal static FuzzResult Fuzz(IReadOnlyList<byte[]> seeds, int seed, int maxRandomLength, Action<byte[]> decode, params Type[] allowed)
    {
        foreach (var valid in seeds)
        {
            decode(valid); // the seeds themselves must decode, or mutating them proves little
        }

        var random = new Random(seed);
        var inputs = DecoderFuzzInputs.Random(random, RandomCases, maxRandomLength)
            .Concat(DecoderFuzzInputs.Mutations(random, seeds, MutatedCases));
        var result = new FuzzResult();
        foreach (var input in inputs)
        {
            try
            {
                decode(input);
                result.Accepted++;
            }
            catch (Exception e) when (allowed.Contains(e.GetType()))
            {
                result.Rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name} for input {Convert.ToHexString(input)}: {e}");
            }
        }

        return result;
    }

    internal sealed class FuzzResult
    {
        public int Accepted { get; set; }

        public int Rejected { get; set; }

        public void AssertMeaningful(int expectedCases)
        {
            Assert.Equal(expectedCases, Accepted + Rejected);
            Assert.True(Rejected > expectedCases / 2, $"only {Rejected} of {expectedCases} inputs were rejected: the fuzzer is not reaching the checks");
        }
    }

    /// <summary>Valid encodings from a real Cloudy↔Cloudy conversation.</summary>
    private static class Seeds
    {
        public static async Task<IReadOnlyList<byte[]>> WhisperMessagesAsync()
        {
            var (alice, bob, first) = await EstablishAsync();
            _ = first;
            var replies = new List<byte[]>();
            foreach (var text in new[] { "", "x", new string('y', 100) })
            {
                replies.Add((await bob.EncryptAsync(alice.Address, text)).Body);
            }

            return replies;
        }

        public static async Task<IReadOnlyList<byte[]>> PreKeyMessagesAsync()
        {
            var (_, _, first) = await EstablishAsync();
            return [first.Body];
        }

        public static async Task<IReadOnlyList<byte[]>> SessionRecordsAsync()
        {
            var (alice, bob, _) = await EstablishAsync();
            var reply = await bob.EncryptAsync(alice.Address, "reply");
            await alice.DecryptAsync(bob.Address, reply);
            return [(await alice.SessionBytesAsync(bob.Address))!, (await bob.SessionBytesAsync(alice.Address))!];
        }

        private static async Task<(CloudyParty Alice, CloudyParty Bob, CiphertextMessage First)> EstablishAsync()
        {
            var alice = new CloudyParty("alice");
            var bob = new CloudyParty("bob");
            await alice.StartSessionAsync(bob.Address, await bob.CreateBundleAsync(1, 2, 3));
            var first = await alice.EncryptAsync(bob.Address, "first");
            Assert.Equal("first", await bob.DecryptAsync(alice.Address, first));
            return (alice, bob, first);
        }
    }
}
