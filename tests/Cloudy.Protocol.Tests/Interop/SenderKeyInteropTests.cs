using System.Security.Cryptography;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Tests.Groups;

namespace Cloudy.Protocol.Tests.Interop;

/// <summary>Sender keys against libsignal 0.72.1, the pinned version.</summary>
public sealed class SenderKey072InteropTests(LibsignalHarness harness) : SenderKeyInteropTests(harness), IClassFixture<LibsignalHarness>;

/// <summary>Sender keys against libsignal 0.90.0 (the sender-key protocol is unchanged between the two).</summary>
public sealed class SenderKey090InteropTests(Libsignal090Harness harness) : SenderKeyInteropTests(harness), IClassFixture<Libsignal090Harness>;

/// <summary>
/// Cloudy.Protocol's sender keys against Signal's libsignal (tests/interop/sender-keys.mjs under
/// Node), both directions: "cloudySends" = a Cloudy device distributes and encrypts, libsignal
/// processes and decrypts; otherwise the reverse. Plus the wire bytes and stored records compared
/// byte for byte.
/// </summary>
public abstract class SenderKeyInteropTests(LibsignalHarness harness)
{
    private static int _counter;

    [Fact]
    public void Interop_Harness_RunsPinnedLibsignalVersion() => Assert.Equal(harness.PinnedVersion, harness.LibsignalVersion);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroup_DistributionAndThousandMessages_AllDecrypt(bool cloudySends) => RunAsync(cloudySends, (sender, receiver) => GroupScenarios.InOrderAsync(sender, receiver, 1000));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroup_OutOfOrderAndHeldBack_EachDecryptsOnceThenDuplicate(bool cloudySends) => RunAsync(cloudySends, GroupScenarios.OutOfOrderAsync);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroupTamper_OneBitFlippedInEveryByte_RefusedRecordUnchangedGenuineDecrypts(bool cloudySends) => RunAsync(cloudySends, GroupScenarios.TamperEveryByteAsync);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroup_ForwardJump25001Refused25000Accepted(bool cloudySends) => RunAsync(cloudySends, GroupScenarios.ForwardJumpBoundAsync);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroup_JumpOver2001_Newest2000SkippedKeysKept(bool cloudySends) => RunAsync(cloudySends, GroupScenarios.StoredKeyBoundAsync);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroup_ReprocessedDistribution_DoesNotRewind(bool cloudySends) => RunAsync(cloudySends, GroupScenarios.ReprocessedDistributionAsync);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroup_SixChains_ReceiverKeepsFiveNewest(bool cloudySends) => RunAsync(cloudySends, GroupScenarios.StateLimitAsync);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task InteropGroup_SeveralDistributionIds_Independent(bool cloudySends) => RunAsync(cloudySends, GroupScenarios.SeveralDistributionsAsync);

    [Fact]
    public async Task InteropGroupTamper_SignedByCloudyButBadPadding_LibsignalRefusesWithoutAdvancing()
    {
        var cloudy = new CloudyGroupParty(Name("cloudy"));
        var signal = new LibsignalGroupParty(harness, Name("signal"));
        var distributionId = await GroupScenarios.DistributeAsync(cloudy, signal);
        var badPadding = await cloudy.CraftSignedAsync(distributionId, 5, GroupCipherTests.BadPaddingCiphertext);
        var genuine = await cloudy.EncryptAsync(distributionId, ["m0", "m1", "m2", "m3", "m4", "m5"]);

        await GroupScenarios.AssertAllRefusedAsync(signal, cloudy, distributionId, [badPadding], GroupFailure.Invalid);

        Assert.Equal(["m5", "m0", "m4"], (await signal.DecryptAsync(cloudy.Address, [genuine[5], genuine[0], genuine[4]])).Select(r => r.Plaintext));
    }

    [Fact]
    public async Task InteropWire_DistributionMessage_SameBytesAsLibsignalsEncoder()
    {
        var alice = new CloudyGroupParty(Name("cloudy"));
        foreach (var distributionId in new[] { Guid.NewGuid(), Guid.Parse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff") })
        {
            var ours = await alice.CreateDistributionAsync(distributionId);
            var parsed = SenderKeyDistributionMessage.Deserialize(ours);

            var theirs = await harness.CallAsync("skBuildDistribution", new
            {
                distributionId = distributionId.ToString(),
                chainId = parsed.ChainId,
                iteration = parsed.Iteration,
                chainKey = Convert.ToBase64String(parsed.ChainKey),
                signingKey = Convert.ToBase64String(parsed.SigningKey.Serialize()),
            });
            var fields = await harness.CallAsync("skParseDistribution", new { message = Convert.ToBase64String(ours) });

            Assert.Equal(Convert.ToHexString(ours), Convert.ToHexString(Convert.FromBase64String(theirs["message"]!.GetValue<string>())));
            Assert.Equal(distributionId.ToString(), fields["distributionId"]!.GetValue<string>());
            Assert.Equal(parsed.ChainId, fields["chainId"]!.GetValue<uint>());
            Assert.Equal(Convert.ToBase64String(parsed.ChainKey), fields["chainKey"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData(0u, 0)]
    [InlineData(300u, 1)]
    [InlineData(uint.MaxValue, 200)]
    public async Task InteropWire_SenderKeyMessage_SameBytesBeforeSignatureAndSignaturesVerifyBothWays(uint iteration, int ciphertextLength)
    {
        var distributionId = Guid.NewGuid();
        var signing = ECKeyPair.Generate();
        var ciphertext = RandomNumberGenerator.GetBytes(ciphertextLength);
        const uint chainId = 0x7FFF_FFFF;
        var ours = SenderKeyMessage.Create(3, distributionId, chainId, iteration, ciphertext, signing.PrivateKey).Serialize();

        var built = await harness.CallAsync("skBuildMessage", new
        {
            distributionId = distributionId.ToString(),
            chainId,
            iteration,
            ciphertext = Convert.ToBase64String(ciphertext),
            signingPrivateKey = Convert.ToBase64String(signing.PrivateKey.Serialize()),
        });
        var theirs = Convert.FromBase64String(built["message"]!.GetValue<string>());
        var parsedByThem = await harness.CallAsync("skParseMessage", new { message = Convert.ToBase64String(ours), signingKey = Convert.ToBase64String(signing.PublicKey.Serialize()) });
        var parsedByUs = SenderKeyMessage.Deserialize(theirs);

        var signed = ours.Length - SenderKeyMessage.SignatureLength;
        Assert.Equal(Convert.ToHexString(ours, 0, signed), Convert.ToHexString(theirs, 0, theirs.Length - SenderKeyMessage.SignatureLength));
        Assert.True(parsedByThem["valid"]!.GetValue<bool>(), "libsignal rejected our signature");
        Assert.Equal(iteration, parsedByThem["iteration"]!.GetValue<uint>());
        Assert.Equal(distributionId.ToString(), parsedByThem["distributionId"]!.GetValue<string>());
        Assert.True(parsedByUs.VerifySignature(signing.PublicKey), "we rejected libsignal's signature");
        Assert.Equal((distributionId, chainId, iteration), (parsedByUs.DistributionId, parsedByUs.ChainId, parsedByUs.Iteration));
        Assert.Equal(ciphertext, parsedByUs.Ciphertext.ToArray());
    }

    [Fact]
    public async Task InteropRecord_LibsignalRecords_ParseAndReserializeIdentically()
    {
        var signal = new LibsignalGroupParty(harness, Name("signal"));
        var signalReceiver = new LibsignalGroupParty(harness, Name("signal-receiver"));
        var distributionId = Guid.NewGuid();
        await signalReceiver.ProcessDistributionAsync(signal.Address, await signal.CreateDistributionAsync(distributionId));
        var messages = await signal.EncryptAsync(distributionId, ["0", "1", "2", "3", "4"]);
        _ = await signalReceiver.DecryptAsync(signal.Address, [messages[4], messages[1]]);
        await signalReceiver.ProcessDistributionAsync(signal.Address, await signal.RotateAsync(distributionId));

        var sending = (await signal.RecordBytesAsync(signal.Address, distributionId))!;
        var receiving = (await signalReceiver.RecordBytesAsync(signal.Address, distributionId))!;
        var parsedReceiving = SenderKeyRecord.Deserialize(receiving);

        Assert.Equal(Convert.ToHexString(sending), Convert.ToHexString(SenderKeyRecord.Deserialize(sending).Serialize()));
        Assert.Equal(Convert.ToHexString(receiving), Convert.ToHexString(parsedReceiving.Serialize()));
        Assert.Equal(2, parsedReceiving.StateCount);
        Assert.NotNull(SenderKeyRecord.Deserialize(sending).Current!.SigningPrivateKey);
    }

    [Fact]
    public async Task InteropRecord_CloudyRecords_LibsignalReserializesIdenticallyAndKeepsUsingThem()
    {
        // Our receiving record (with skipped keys) and our sending record (with the private signing
        // key) handed to libsignal: it must re-serialize them unchanged and carry on with them.
        var alice = new CloudyGroupParty(Name("cloudy-alice"));
        var bob = new CloudyGroupParty(Name("cloudy-bob"));
        var distributionId = await GroupScenarios.DistributeAsync(alice, bob);
        var messages = await alice.EncryptAsync(distributionId, ["0", "1", "2", "3", "4", "5"]);
        _ = await bob.DecryptAsync(alice.Address, [messages[5], messages[2]]);

        var bobOnLibsignal = new LibsignalGroupParty(harness, Name("signal-bob"));
        var receiving = (await bob.RecordBytesAsync(alice.Address, distributionId))!;
        Assert.Equal(receiving, await bobOnLibsignal.SetRecordAsync(alice.Address, distributionId, receiving));
        var held = await bobOnLibsignal.DecryptAsync(alice.Address, [messages[0], messages[4], messages[2]]);
        Assert.Equal(["0", "4", null], held.Select(r => r.Plaintext));

        var aliceOnLibsignal = new LibsignalGroupParty(harness, alice.Address.Name);
        var sending = (await alice.RecordBytesAsync(alice.Address, distributionId))!;
        Assert.Equal(sending, await aliceOnLibsignal.SetRecordAsync(alice.Address, distributionId, sending));
        var fromLibsignal = await aliceOnLibsignal.EncryptAsync(distributionId, ["signed with our stored key"]);
        Assert.Equal(6u, SenderKeyMessage.Deserialize(fromLibsignal[0]).Iteration);
        Assert.Equal(["signed with our stored key"], (await bob.DecryptAsync(alice.Address, fromLibsignal)).Select(r => r.Plaintext));
    }

    /// <summary>Runs a shared scenario between a fresh Cloudy device and a fresh libsignal one, in the given direction.</summary>
    private Task RunAsync(bool cloudySends, Func<IGroupParty, IGroupParty, Task> scenario)
    {
        IGroupParty cloudy = new CloudyGroupParty(Name("cloudy"));
        IGroupParty signal = new LibsignalGroupParty(harness, Name("signal"));
        return cloudySends ? scenario(cloudy, signal) : scenario(signal, cloudy);
    }

    private static string Name(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter)}";
}
