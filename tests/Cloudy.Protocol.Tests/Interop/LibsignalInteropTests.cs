using System.Security.Cryptography;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Tests.Interop;

/// <summary>Interop with libsignal 0.72.1, the pinned version (last release before SPQR).</summary>
public sealed class Libsignal072InteropTests(LibsignalHarness harness) : LibsignalInteropTests(harness), IClassFixture<LibsignalHarness>
{
    /// <summary>
    /// Our record format is 0.72.1's RecordStructure. (0.90.0 adds <c>pq_ratchet_state</c>, field 15,
    /// while SPQR is being negotiated; we do not carry it, so this holds for the pinned version only.)
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropSessionRecord_LibsignalRecordBytes_ParseAndReserializeIdentically(bool libsignalIsResponder)
    {
        var (cloudyParty, signalParty) = await PairAsync(cloudyFirst: true);
        var (cloudy, signal) = ((CloudyParty)cloudyParty, (LibsignalParty)signalParty);
        if (libsignalIsResponder)
        {
            await ConversationScenarios.EstablishAsync(cloudy, signal, withOneTimePreKey: true);
            _ = await cloudy.EncryptAsync(signal.Address, "skipped, so libsignal stores a message key");
            await ConversationScenarios.AlternateAsync(cloudy, signal, 5);
        }
        else
        {
            // Unanswered initiator session: pending prekey and Kyber ciphertext are in the record.
            await signal.StartSessionAsync(cloudy.Address, await cloudy.CreateBundleAsync(1, 2, 3));
            _ = await signal.EncryptAsync(cloudy.Address, "unanswered");
        }
        var theirs = (await signal.SessionBytesAsync(cloudy.Address))!;
        var parsed = SessionRecord.Deserialize(theirs);
        Assert.True(parsed.HasCurrentSession);
        Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(parsed.Serialize()));
    }
}

/// <summary>Interop with libsignal 0.90.0, the newest npm release that still accepts peers without SPQR.</summary>
public sealed class Libsignal090InteropTests(Libsignal090Harness harness) : LibsignalInteropTests(harness), IClassFixture<Libsignal090Harness>;

/// <summary>
/// Cloudy.Protocol against Signal's own libsignal (a pinned npm build, under Node), in both
/// directions: "CloudyInitiates" = Cloudy fetches libsignal's bundle and sends first, and vice versa.
/// </summary>
public abstract class LibsignalInteropTests(LibsignalHarness harness)
{
    private static int _counter;

    [Fact]
    public void Interop_Harness_RunsPinnedLibsignalVersion()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", harness.PinnedVersion); // an exact pin, never a range
        Assert.Equal(harness.PinnedVersion, harness.LibsignalVersion);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropSession_BurstOfPreKeyMessagesOutOfOrder_AllDecryptThenReplyWorks(bool cloudyInitiates)
    {
        var (initiator, responder) = await PairAsync(cloudyInitiates);
        await ConversationScenarios.PreKeyBurstAsync(initiator, responder);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task InteropSession_FromBundleWithKyberPreKey_FirstMessageAndReplyDecrypt(bool cloudyInitiates, bool withOneTimePreKey)
    {
        var (initiator, responder) = await PairAsync(cloudyInitiates);
        await ConversationScenarios.EstablishAsync(initiator, responder, withOneTimePreKey);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropConversation_ThousandAlternatingMessages_AllDecrypt(bool cloudyInitiates)
    {
        var (initiator, responder) = await PairAsync(cloudyInitiates);
        await ConversationScenarios.EstablishAsync(initiator, responder, withOneTimePreKey: true);
        await ConversationScenarios.AlternateAsync(initiator, responder, 1000);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropConversation_OutOfOrderLostAndReplayedMessages_DecryptOnceEach(bool cloudyInitiates)
    {
        var (initiator, responder) = await PairAsync(cloudyInitiates);
        await ConversationScenarios.EstablishAsync(initiator, responder, withOneTimePreKey: false);
        await ConversationScenarios.OutOfOrderAsync(initiator, responder);
        await ConversationScenarios.OutOfOrderAsync(responder, initiator);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropTamper_OneBitFlippedInAnyByte_RejectedAndSessionUnchanged(bool cloudyInitiates)
    {
        var (initiator, responder) = await PairAsync(cloudyInitiates);
        await ConversationScenarios.EstablishAsync(initiator, responder, withOneTimePreKey: true);
        await ConversationScenarios.TamperEveryByteAsync(initiator, responder);
        await ConversationScenarios.TamperEveryByteAsync(responder, initiator);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropTamper_PreKeyMessage_RejectedWithoutCreatingSessionOrConsumingPreKeys(bool cloudyInitiates)
    {
        var (initiator, responder) = await PairAsync(cloudyInitiates);
        await ConversationScenarios.TamperPreKeyMessageAsync(initiator, responder);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropSession_SimultaneousInitiation_Converges(bool cloudyFirst)
    {
        var (a, b) = await PairAsync(cloudyFirst);
        await ConversationScenarios.SimultaneousInitiationAsync(a, b);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropSession_NewPreKeyMessage_ArchivesOldSessionWhichStillDecrypts(bool cloudyInitiates)
    {
        var (initiator, responder) = await PairAsync(cloudyInitiates);
        await ConversationScenarios.SessionReplacedAsync(initiator, responder);
    }

    [Fact]
    public async Task InteropXEdDsa_SignaturesFromEitherSide_VerifyOnTheOther()
    {
        var cloudy = new CloudyParty("signer-" + Interlocked.Increment(ref _counter));
        var signal = await LibsignalParty.CreateAsync(harness, "signal-signer-" + Interlocked.Increment(ref _counter));
        for (var i = 0; i < 20; i++)
        {
            var message = RandomNumberGenerator.GetBytes(i * 7);
            var ours = cloudy.Identity.Sign(message);
            Assert.True(await signal.VerifyAsync(cloudy.Identity.PublicKey, message, ours));
            var theirs = await signal.SignAsync(message);
            Assert.True(signal.IdentityKey.PublicKey.VerifySignature(message, theirs));

            var tampered = (byte[])ours.Clone();
            tampered[i % 64] ^= 0x04;
            Assert.False(await signal.VerifyAsync(cloudy.Identity.PublicKey, message, tampered));
            var tamperedTheirs = (byte[])theirs.Clone();
            tamperedTheirs[(i * 3) % 64] ^= 0x10;
            Assert.False(signal.IdentityKey.PublicKey.VerifySignature(message, tamperedTheirs));
        }
    }

    private protected async Task<(ITestParty Initiator, ITestParty Responder)> PairAsync(bool cloudyFirst)
    {
        var n = Interlocked.Increment(ref _counter);
        var cloudy = new CloudyParty($"cloudy-{n}", registrationId: 1000 + (uint)n);
        var signal = await LibsignalParty.CreateAsync(harness, $"signal-{n}", registrationId: 2000 + (uint)n);
        return cloudyFirst ? (cloudy, signal) : (signal, cloudy);
    }
}
