using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Tests;

/// <summary>Cloudy↔Cloudy sessions: the same scenarios as the interop tests plus the error paths.</summary>
public sealed class SessionCipherTests
{
    private readonly CloudyParty _alice = new("alice", 1);
    private readonly CloudyParty _bob = new("bob", 2);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task Establish_FromBundle_FirstMessageAndReplyDecrypt(bool withOneTimePreKey) =>
        ConversationScenarios.EstablishAsync(_alice, _bob, withOneTimePreKey);

    [Fact]
    public async Task Decrypt_OutOfOrderLostAndReplayed_DecryptsOnceEach()
    {
        await ConversationScenarios.EstablishAsync(_alice, _bob, true);
        await ConversationScenarios.OutOfOrderAsync(_alice, _bob);
        await ConversationScenarios.OutOfOrderAsync(_bob, _alice);
    }

    [Fact]
    public async Task Decrypt_OneBitFlippedAnywhere_RejectedAndSessionUnchanged()
    {
        await ConversationScenarios.EstablishAsync(_alice, _bob, true);
        await ConversationScenarios.TamperEveryByteAsync(_alice, _bob);
        await ConversationScenarios.TamperPreKeyMessageAsync(new CloudyParty("carol"), _bob);
    }

    [Fact]
    public Task Establish_SimultaneousInitiation_Converges() => ConversationScenarios.SimultaneousInitiationAsync(_alice, _bob);

    [Fact]
    public Task Establish_NewPreKeyMessage_ArchivesOldSession() => ConversationScenarios.SessionReplacedAsync(_alice, _bob);

    [Fact]
    public async Task ProcessPreKeyBundle_BadSignedPreKeySignature_ThrowsInvalidKeyAndStoresNothing()
    {
        var bundle = await _bob.CreateBundleAsync(1, 2, 3);
        var badSignature = (byte[])bundle.SignedPreKeySignature.Clone();
        badSignature[5] ^= 1;
        await Assert.ThrowsAsync<InvalidKeyException>(() => _alice.StartSessionAsync(_bob.Address, bundle with { SignedPreKeySignature = badSignature }));
        var badKyber = (byte[])bundle.KyberPreKeySignature.Clone();
        badKyber[40] ^= 1;
        await Assert.ThrowsAsync<InvalidKeyException>(() => _alice.StartSessionAsync(_bob.Address, bundle with { KyberPreKeySignature = badKyber }));
        Assert.Null(await _alice.SessionBytesAsync(_bob.Address));
    }

    [Fact]
    public async Task ProcessPreKeyBundle_IdentityChanged_ThrowsUntrustedIdentity()
    {
        await ConversationScenarios.EstablishAsync(_alice, _bob, true);
        var impostor = new CloudyParty("bob", 2);
        var bundle = await impostor.CreateBundleAsync(1, 2, 3);
        var error = await Assert.ThrowsAsync<UntrustedIdentityException>(() => _alice.StartSessionAsync(_bob.Address, bundle));
        Assert.Equal(_bob.Address, error.Address);
    }

    [Fact]
    public async Task Decrypt_PreKeyMessageNamingUsedPreKey_ThrowsInvalidKeyId()
    {
        var bundle = await _bob.CreateBundleAsync(1, 2, 3);
        await _alice.StartSessionAsync(_bob.Address, bundle);
        var carol = new CloudyParty("carol");
        await carol.StartSessionAsync(_bob.Address, bundle);
        Assert.Equal("a", await _bob.DecryptAsync(_alice.Address, await _alice.EncryptAsync(_bob.Address, "a")));
        // One-time prekey 1 is consumed by Alice's message; Carol's message names it too.
        var fromCarol = await carol.EncryptAsync(_bob.Address, "c");
        await Assert.ThrowsAsync<InvalidKeyIdException>(() => _bob.DecryptAsync(carol.Address, fromCarol));
        Assert.Null(await _bob.SessionBytesAsync(carol.Address));
    }

    [Fact]
    public async Task DecryptPreKey_LastResortKyberPreKey_SurvivesUseWhileOneTimeKyberPreKeyIsConsumed()
    {
        var lastResort = KyberPreKeyRecord.Generate(50, _bob.Identity);
        await _bob.Store.StoreKyberPreKeyAsync(50, lastResort, lastResort: true);
        var bundle = await _bob.CreateBundleAsync(null, 2, 3);
        var lastResortBundle = bundle with { KyberPreKeyId = 50, KyberPreKeyPublic = lastResort.KeyPair.PublicKey, KyberPreKeySignature = lastResort.Signature };

        foreach (var sender in new[] { _alice, new CloudyParty("carol"), new CloudyParty("dave") })
        {
            await sender.StartSessionAsync(_bob.Address, lastResortBundle);
            Assert.Equal("pq", await _bob.DecryptAsync(sender.Address, await sender.EncryptAsync(_bob.Address, "pq")));
        }
        Assert.NotNull(await _bob.Store.LoadKyberPreKeyAsync(50));

        var erin = new CloudyParty("erin");
        await erin.StartSessionAsync(_bob.Address, bundle);
        Assert.Equal("one-time", await _bob.DecryptAsync(erin.Address, await erin.EncryptAsync(_bob.Address, "one-time")));
        Assert.Null(await _bob.Store.LoadKyberPreKeyAsync(3));
    }

    [Fact]
    public async Task Encrypt_UnacknowledgedSessionOlderThan30Days_ThrowsNoSession()
    {
        var bundle = await _bob.CreateBundleAsync(1, 2, 3);
        var created = DateTimeOffset.UtcNow.AddDays(-31);
        await new SessionBuilder(_alice.Store, _bob.Address).ProcessPreKeyBundleAsync(bundle, created);
        var cipher = _alice.CipherFor(_bob.Address);
        Assert.Equal(CiphertextMessageType.PreKey, (await cipher.EncryptAsync("fine then"u8.ToArray(), created.AddDays(29))).Type);
        await Assert.ThrowsAsync<NoSessionException>(() => cipher.EncryptAsync("too late"u8.ToArray()));
    }

    [Fact]
    public async Task Decrypt_WithoutSession_ThrowsNoSession()
    {
        var bundle = await _bob.CreateBundleAsync(null, 2, 3);
        await _alice.StartSessionAsync(_bob.Address, bundle);
        await _bob.DecryptAsync(_alice.Address, await _alice.EncryptAsync(_bob.Address, "x"));
        var whisper = await _bob.EncryptAsync(_alice.Address, "y");
        var stranger = new CloudyParty("stranger");
        await Assert.ThrowsAsync<NoSessionException>(() => stranger.DecryptAsync(_bob.Address, whisper));
        await Assert.ThrowsAsync<NoSessionException>(() => stranger.EncryptAsync(_bob.Address, "z"));
    }

    [Fact]
    public async Task Decrypt_CounterBeyondMaxForwardJumps_ThrowsInvalidMessage()
    {
        await ConversationScenarios.EstablishAsync(_alice, _bob, true);
        var message = SignalMessage.Deserialize((await _alice.EncryptAsync(_bob.Address, "far")).Body);
        // Re-encode with a counter from far in the future (the MAC cannot be right, but the jump is checked first, as in libsignal).
        var forged = SignalMessage.Create(message.MessageVersion, new byte[32], message.SenderRatchetKey, message.Counter + Limits.MaxForwardJumps + 1,
            message.PreviousCounter, message.Ciphertext, _alice.Identity.IdentityKey, _bob.Identity.IdentityKey);
        var before = await _bob.SessionBytesAsync(_alice.Address);
        var error = await Assert.ThrowsAsync<InvalidMessageException>(() => _bob.DecryptAsync(_alice.Address, new CiphertextMessage(CiphertextMessageType.Whisper, forged.Serialize())));
        Assert.Contains("future", error.InnerException?.Message ?? error.Message);
        Assert.Equal(before, await _bob.SessionBytesAsync(_alice.Address));
    }

    [Fact]
    public async Task SessionRecord_SerializeDeserialize_RoundTripsAndKeepsWorking()
    {
        await ConversationScenarios.EstablishAsync(_alice, _bob, true);
        for (var i = 0; i < 5; i++)
        {
            _ = await _alice.EncryptAsync(_bob.Address, $"skipped {i}"); // leaves skipped keys in Bob's chain later
        }
        await ConversationScenarios.AlternateAsync(_alice, _bob, 3);
        var bytes = (await _bob.SessionBytesAsync(_alice.Address))!;
        var reparsed = SessionRecord.Deserialize(bytes);
        Assert.Equal(bytes, reparsed.Serialize());
        Assert.True(reparsed.HasCurrentSession);
        Assert.Equal(4u, reparsed.SessionVersion);
        Assert.Equal(_alice.RegistrationId, reparsed.RemoteRegistrationId);
    }

    [Fact]
    public void Records_SerializeDeserialize_RoundTrip()
    {
        var identity = IdentityKeyPair.Generate();
        var identityBack = IdentityKeyPair.Deserialize(identity.Serialize());
        Assert.Equal(identity.IdentityKey, identityBack.IdentityKey);

        var preKey = PreKeyRecord.Generate(7);
        Assert.Equal(preKey.Serialize(), PreKeyRecord.Deserialize(preKey.Serialize()).Serialize());
        var signed = SignedPreKeyRecord.Generate(8, identity);
        Assert.Equal(signed.Serialize(), SignedPreKeyRecord.Deserialize(signed.Serialize()).Serialize());
        Assert.True(identity.PublicKey.VerifySignature(signed.KeyPair.PublicKey.Serialize(), signed.Signature));
        var kyber = KyberPreKeyRecord.Generate(9, identity);
        Assert.Equal(kyber.Serialize(), KyberPreKeyRecord.Deserialize(kyber.Serialize()).Serialize());
        Assert.True(identity.PublicKey.VerifySignature(kyber.KeyPair.PublicKey.Serialize(), kyber.Signature));
        Assert.Equal(33, identity.IdentityKey.Serialize().Length);
        Assert.Equal(0x05, identity.IdentityKey.Serialize()[0]);
    }

    [Fact]
    public void Deserialize_MalformedInputs_ThrowTypedExceptions()
    {
        Assert.Throws<InvalidMessageException>(() => SignalMessage.Deserialize([0x44, 1, 2]));
        Assert.Throws<InvalidVersionException>(() => SignalMessage.Deserialize([0x33, 0x0a, 0x21, 5, 5, 5, 5, 5, 5, 5, 5, 5]));
        Assert.Throws<InvalidMessageException>(() => PreKeySignalMessage.Deserialize([]));
        Assert.Throws<InvalidMessageException>(() => PreKeySignalMessage.Deserialize([0x44, 0xff, 0xff]));
        Assert.Throws<InvalidKeyException>(() => ECPublicKey.Deserialize(new byte[33]));
        Assert.Throws<InvalidKeyException>(() => ECPublicKey.Deserialize([0x05, 1, 2]));
        Assert.Throws<InvalidRecordException>(() => SessionRecord.Deserialize(new byte[] { 0x0a, 0x05, 0x01 }));
        Assert.Throws<InvalidRecordException>(() => PreKeyRecord.Deserialize(new byte[] { 0x08 }));
    }
}
