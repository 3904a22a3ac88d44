using System.Text;
using Cloudy.Formats;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.SealedSender;

namespace Cloudy.Protocol.Tests.SealedSender;

/// <summary>Sealed sender between Cloudy devices: v1 and v2, certificates at decryption, tampering. (Interop with libsignal: <c>SealedSenderInteropTests</c>.)</summary>
public sealed class SealedSenderTests
{
    private readonly SealedSenderWorld _world = new();

    [Fact]
    public async Task DecryptAsync_V1WithPreKeyMessageInside_CreatesSessionAndNamesSender()
    {
        var (alice, bob) = await FreshPairAsync();

        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, _world.Certify(alice), "hello, sealed");

        Assert.Equal(0x11, sealedMessage[0]);
        var result = await SealedSenderWorld.DecryptAsync(bob, sealedMessage, _world.TrustRoot.PublicKey);
        Assert.Equal("hello, sealed", Encoding.UTF8.GetString(result.Message));
        Assert.Equal(alice.Address.Name, result.SenderUuid);
        Assert.Equal(alice.Address.DeviceId, result.SenderDeviceId);
        Assert.Equal(CiphertextMessageType.PreKey, result.Content.Type);
        Assert.NotNull(await bob.Store.LoadSessionAsync(alice.Address));

        // The reply goes sealed on the session the sealed PreKey message created.
        var reply = await SealedSenderWorld.EncryptAsync(bob, alice.Address, _world.Certify(bob), "and back", ContentHint.Resendable, [1, 2, 3]);
        var replyResult = await SealedSenderWorld.DecryptAsync(alice, reply, _world.TrustRoot.PublicKey);
        Assert.Equal("and back", Encoding.UTF8.GetString(replyResult.Message));
        Assert.Equal(CiphertextMessageType.Whisper, replyResult.Content.Type);
        Assert.Equal(ContentHint.Resendable, replyResult.Content.ContentHint);
        Assert.Equal([1, 2, 3], replyResult.Content.GroupId);
    }

    [Fact]
    public async Task DecryptAsync_EveryByteOfV1MessageFlipped_RejectedTypedAndNothingStored()
    {
        var (alice, bob) = await FreshPairAsync();
        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, _world.Certify(alice), "tamper with me");

        for (var i = 0; i < sealedMessage.Length; i++)
        {
            var tampered = (byte[])sealedMessage.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            var e = await Assert.ThrowsAnyAsync<ProtocolException>(() => SealedSenderWorld.DecryptAsync(bob, tampered, _world.TrustRoot.PublicKey));
            Assert.True(e is InvalidSealedSenderMessageException or InvalidVersionException or InvalidCertificateException, $"byte {i}: {e}");
        }
        for (var bit = 0; bit < 8; bit++)
        {
            var tampered = (byte[])sealedMessage.Clone();
            tampered[0] ^= (byte)(1 << bit);
            await Assert.ThrowsAsync<InvalidVersionException>(() => SealedSenderWorld.DecryptAsync(bob, tampered, _world.TrustRoot.PublicKey));
        }

        Assert.Null(await bob.Store.LoadSessionAsync(alice.Address));
        Assert.NotNull(await bob.Store.LoadPreKeyAsync(1));
        Assert.Equal("tamper with me", Encoding.UTF8.GetString((await SealedSenderWorld.DecryptAsync(bob, sealedMessage, _world.TrustRoot.PublicKey)).Message));
    }

    [Fact]
    public async Task DecryptAsync_TruncatedV1Message_RejectedTyped()
    {
        var (alice, bob) = await FreshPairAsync();
        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, _world.Certify(alice), "cut short");

        for (var length = 0; length < sealedMessage.Length; length++)
        {
            var e = await Assert.ThrowsAnyAsync<ProtocolException>(() => SealedSenderWorld.DecryptAsync(bob, sealedMessage[..length], _world.TrustRoot.PublicKey));
            Assert.True(e is InvalidSealedSenderMessageException or InvalidVersionException, $"length {length}: {e}");
        }
    }

    [Theory]
    [MemberData(nameof(SealedSenderWorld.BadCertificateKinds), MemberType = typeof(SealedSenderWorld))]
    public async Task DecryptAsync_BadSenderCertificate_InvalidCertificateAndNothingStored(string kind)
    {
        var (alice, bob) = await FreshPairAsync();
        var (certificate, expected) = _world.BadCertificate(kind, alice.Address, alice.Identity.PublicKey);
        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, certificate, "should not open");

        var e = await Assert.ThrowsAsync<InvalidCertificateException>(() => SealedSenderWorld.DecryptAsync(bob, sealedMessage, _world.TrustRoot.PublicKey));

        Assert.Equal(expected, e.Error);
        Assert.Null(await bob.Store.LoadSessionAsync(alice.Address));
        Assert.NotNull(await bob.Store.LoadPreKeyAsync(1));
    }

    [Fact]
    public async Task DecryptAsync_CertificateExpiringExactlyNow_Accepted()
    {
        var (alice, bob) = await FreshPairAsync();
        var expiry = DateTimeOffset.FromUnixTimeMilliseconds(SealedSenderWorld.Now.AddMinutes(5).ToUnixTimeMilliseconds());
        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, _world.Certify(alice, expiry), "just in time");

        var result = await SealedSenderWorld.DecryptAsync(bob, sealedMessage, _world.TrustRoot.PublicKey, expiry);

        Assert.Equal("just in time", Encoding.UTF8.GetString(result.Message));
    }

    [Fact]
    public async Task DecryptAsync_CertificateNamingOurOwnDevice_SelfSendRejected()
    {
        var (alice, bob) = await FreshPairAsync();
        var claimsToBeBob = _world.Certify(bob.Address, alice.Identity.PublicKey);
        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, claimsToBeBob, "from myself?");

        await Assert.ThrowsAsync<SealedSenderSelfSendException>(() => SealedSenderWorld.DecryptAsync(bob, sealedMessage, _world.TrustRoot.PublicKey));
    }

    [Fact]
    public async Task DecryptToContentAsync_V1ForAnotherDevice_Rejected()
    {
        var (alice, bob) = await FreshPairAsync();
        var eve = new CloudyParty(SealedSenderWorld.NewAccount());
        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, _world.Certify(alice), "for bob only");

        await Assert.ThrowsAsync<InvalidSealedSenderMessageException>(() => new SealedSessionCipher(eve.Store).DecryptToContentAsync(sealedMessage));
    }

    [Fact]
    public async Task DecryptToContentAsync_V1WhoseStaticKeyIsNotTheCertificateKey_Rejected()
    {
        // Alice seals with her identity but presents Mallory's certificate: the sender key inside must match the certificate.
        var (alice, bob) = await FreshPairAsync();
        var mallory = new CloudyParty(SealedSenderWorld.NewAccount());
        var sealedMessage = await SealedSenderWorld.EncryptAsync(alice, bob.Address, _world.Certify(mallory), "who am I");

        var e = await Assert.ThrowsAsync<InvalidSealedSenderMessageException>(() => new SealedSessionCipher(bob.Store).DecryptToContentAsync(sealedMessage));
        Assert.Contains("does not match", e.Message);
    }

    [Fact]
    public async Task DecryptAsync_SenderKeyContent_OpenedByDecryptToContentButNotDecrypted()
    {
        var (alice, bob) = await FreshPairAsync();
        await bob.StartSessionAsync(alice.Address, await alice.CreateBundleAsync(5, 6, 7));
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(alice), "group bytes"u8, ContentHint.Implicit, [9]);
        var sealedMessage = await new SealedSessionCipher(alice.Store).EncryptAsync(bob.Address, content);

        var opened = await new SealedSessionCipher(bob.Store).DecryptToContentAsync(sealedMessage);
        Assert.Equal(CiphertextMessageType.SenderKey, opened.Type);
        Assert.Equal("group bytes"u8.ToArray(), opened.Content.ToArray());
        Assert.Equal(ContentHint.Implicit, opened.ContentHint);
        Assert.Equal([9], opened.GroupId);
        Assert.Equal(content.Serialize(), opened.Serialize());
        await Assert.ThrowsAsync<InvalidMessageException>(() => SealedSenderWorld.DecryptAsync(bob, sealedMessage, _world.TrustRoot.PublicKey));
    }

    [Fact]
    public async Task MultiRecipient_CloudyToCloudy_SplitPayloadsOpenForEveryDeviceAndOnlyThere()
    {
        var sender = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 10);
        var a1 = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 11);
        var a2 = new CloudyParty(a1.Address.Name, registrationId: 12, deviceId: 2, identity: a1.Identity);
        var b1 = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 0x3FFF, deviceId: 127);
        foreach (var device in new[] { a1, a2, b1 })
        {
            await sender.StartSessionAsync(device.Address, await device.CreateBundleAsync(null, 1, 2));
        }
        var excluded = ServiceId.Parse(SealedSenderWorld.NewAccount());
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(sender), "to the group"u8, ContentHint.Resendable, [7, 7]);

        var sent = await new SealedSessionCipher(sender.Store).EncryptMultiRecipientAsync([a1.Address, a2.Address, b1.Address], content, [excluded]);

        Assert.Equal(0x23, sent[0]);
        var parsed = SealedSenderMultiRecipientMessage.Parse(sent);
        Assert.Equal([ServiceId.Parse(a1.Address.Name), ServiceId.Parse(b1.Address.Name)], parsed.Recipients.Select(r => r.ServiceId));
        Assert.Equal([new RecipientDevice(1, 11), new RecipientDevice(2, 12)], parsed.Recipients[0].Devices);
        Assert.Equal([new RecipientDevice(127, 0x3FFF)], parsed.Recipients[1].Devices);
        Assert.Equal([excluded], parsed.ExcludedRecipients);
        foreach (var (device, recipient) in new[] { (a1, parsed.Recipients[0]), (a2, parsed.Recipients[0]), (b1, parsed.Recipients[1]) })
        {
            var opened = await new SealedSessionCipher(device.Store).DecryptToContentAsync(parsed.MessageForRecipient(recipient));
            Assert.Equal(content.Serialize(), opened.Serialize());
            opened.Sender.EnsureValid(_world.TrustRoot.PublicKey, SealedSenderWorld.Now);
        }
        // A's payload is useless to B: the key material is A's.
        await Assert.ThrowsAsync<InvalidSealedSenderMessageException>(() =>
            new SealedSessionCipher(b1.Store).DecryptToContentAsync(parsed.MessageForRecipient(parsed.Recipients[0])));
    }

    [Fact]
    public async Task MultiRecipient_EveryByteOfReceivedMessageFlipped_RejectedTyped()
    {
        var sender = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 10);
        var recipient = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 11);
        await sender.StartSessionAsync(recipient.Address, await recipient.CreateBundleAsync(null, 1, 2));
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(sender), "x"u8);
        var sent = await new SealedSessionCipher(sender.Store).EncryptMultiRecipientAsync([recipient.Address], content);
        var parsed = SealedSenderMultiRecipientMessage.Parse(sent);
        var received = parsed.MessageForRecipient(parsed.Recipients[0]);
        var cipher = new SealedSessionCipher(recipient.Store);

        for (var i = 0; i < received.Length; i++)
        {
            var tampered = (byte[])received.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            var e = await Assert.ThrowsAnyAsync<ProtocolException>(() => cipher.DecryptToContentAsync(tampered));
            Assert.True(e is InvalidSealedSenderMessageException or InvalidVersionException, $"byte {i}: {e}");
        }
        for (var bit = 0; bit < 8; bit++)
        {
            var tampered = (byte[])received.Clone();
            tampered[0] ^= (byte)(1 << bit);
            await Assert.ThrowsAsync<InvalidVersionException>(() => cipher.DecryptToContentAsync(tampered));
        }
        Assert.Equal(content.Serialize(), (await cipher.DecryptToContentAsync(received)).Serialize());
    }

    [Fact]
    public async Task MultiRecipient_SessionMessageInside_FullDecryptWorks()
    {
        var sender = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 10);
        var recipient = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 11);
        await sender.StartSessionAsync(recipient.Address, await recipient.CreateBundleAsync(3, 1, 2));
        var inner = await sender.EncryptAsync(recipient.Address, "sealed v2, PreKey inside");
        var content = UnidentifiedSenderMessageContent.Create(inner.Type, _world.Certify(sender), inner.Body);

        var sent = await new SealedSessionCipher(sender.Store).EncryptMultiRecipientAsync([recipient.Address], content);
        var parsed = SealedSenderMultiRecipientMessage.Parse(sent);
        var result = await SealedSenderWorld.DecryptAsync(recipient, parsed.MessageForRecipient(parsed.Recipients[0]), _world.TrustRoot.PublicKey);

        Assert.Equal("sealed v2, PreKey inside", Encoding.UTF8.GetString(result.Message));
        Assert.Equal(sender.Address.Name, result.SenderUuid);
    }

    [Fact]
    public async Task EncryptMultiRecipientAsync_BadDestinations_TypedErrors()
    {
        var sender = new CloudyParty(SealedSenderWorld.NewAccount());
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(sender), "x"u8);
        var cipher = new SealedSessionCipher(sender.Store);
        var bigRegistration = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 0x4000);
        await sender.StartSessionAsync(bigRegistration.Address, await bigRegistration.CreateBundleAsync(null, 1, 2));
        var notAServiceId = new CloudyParty("not-a-uuid");
        await sender.StartSessionAsync(notAServiceId.Address, await notAServiceId.CreateBundleAsync(null, 1, 2));

        await Assert.ThrowsAsync<NoSessionException>(() => cipher.EncryptMultiRecipientAsync([new ProtocolAddress(SealedSenderWorld.NewAccount(), 1)], content));
        await Assert.ThrowsAsync<InvalidRegistrationIdException>(() => cipher.EncryptMultiRecipientAsync([bigRegistration.Address], content));
        await Assert.ThrowsAsync<ArgumentException>(() => cipher.EncryptMultiRecipientAsync([notAServiceId.Address], content));
        await Assert.ThrowsAsync<ArgumentException>(() => cipher.EncryptMultiRecipientAsync([bigRegistration.Address with { DeviceId = 128 }], content));
        var mapped = await cipher.EncryptMultiRecipientAsync([notAServiceId.Address], content, serviceIdOf: _ => ServiceId.Aci(new byte[16]));
        Assert.Equal(ServiceId.Aci(new byte[16]), SealedSenderMultiRecipientMessage.Parse(mapped).Recipients.Single().ServiceId);
    }

    private static async Task<(CloudyParty Alice, CloudyParty Bob)> FreshPairAsync()
    {
        var alice = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 100);
        var bob = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 200);
        await alice.StartSessionAsync(bob.Address, await bob.CreateBundleAsync(1, 2, 3));
        return (alice, bob);
    }
}
