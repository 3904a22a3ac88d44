using System.Security.Cryptography;
using System.Text;
using Cloudy.Formats;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.SealedSender;
using Cloudy.Protocol.Tests.SealedSender;

namespace Cloudy.Protocol.Tests.Interop;

/// <summary>
/// Sealed sender against libsignal 0.72.1 (the pin) under Node, in both directions: certificates
/// minted on one side and validated on the other, v1 messages with fresh (PreKey) and running
/// sessions, v2 multi-recipient messages split by one side's server code and opened by devices of
/// both, byte-for-byte comparisons of the encodings, and tampering of every byte.
/// </summary>
public class SealedSenderInteropTests(LibsignalHarness harness) : IClassFixture<LibsignalHarness>
{
    private readonly SealedSenderWorld _world = new(keyId: 77);
    private readonly LibsignalSealedSender _libsignal = new(harness);

    [Fact]
    public void Interop_Harness_LoadsThePinnedBuild()
    {
        Assert.Equal(harness.PinnedVersion, harness.LibsignalVersion);
    }

    [Fact]
    public async Task InteropCertificates_MintedByCloudy_ValidInLibsignalUntilExpiryAndBadOnesRejected()
    {
        var identity = ECKeyPair.Generate().PublicKey;
        var expiry = DateTimeOffset.FromUnixTimeMilliseconds(SealedSenderWorld.Now.AddDays(1).ToUnixTimeMilliseconds());
        var certificate = _world.Certify(new ProtocolAddress(SealedSenderWorld.NewAccount(), 3), identity, expiry, "+15550001111");

        var read = await _libsignal.ReadSenderCertificateAsync(certificate.Serialize(), _world.TrustRoot.PublicKey, SealedSenderWorld.Now);

        Assert.True(read["valid"]!.GetValue<bool>());
        Assert.Equal(certificate.SenderUuid, read["senderUuid"]!.GetValue<string>());
        Assert.Equal("+15550001111", read["senderE164"]!.GetValue<string>());
        Assert.Equal(3u, read["deviceId"]!.GetValue<uint>());
        Assert.Equal(expiry.ToUnixTimeMilliseconds(), read["expiration"]!.GetValue<long>());
        Assert.Equal(identity.Serialize(), LibsignalSealedSender.Bytes(read, "key"));
        Assert.Equal(77u, read["serverKeyId"]!.GetValue<uint>());
        Assert.Equal(_world.ServerKey.PublicKey.Serialize(), LibsignalSealedSender.Bytes(read, "serverKey"));
        Assert.Equal(certificate.Certificate.ToArray(), LibsignalSealedSender.Bytes(read, "certificate"));
        Assert.True(await LibsignalValidAsync(certificate, expiry));
        Assert.False(await LibsignalValidAsync(certificate, expiry.AddMilliseconds(1)));
        Assert.False((await _libsignal.ReadSenderCertificateAsync(certificate.Serialize(), ECKeyPair.Generate().PublicKey, SealedSenderWorld.Now))["valid"]!.GetValue<bool>());
        foreach (var kind in new[] { "revoked", "forged" })
        {
            Assert.False(await LibsignalValidAsync(_world.BadCertificate(kind, new ProtocolAddress("x", 1), identity).Certificate, SealedSenderWorld.Now), kind);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("+15550002222")]
    public async Task InteropCertificates_MintedByLibsignal_ValidInCloudyAndEncodedIdentically(string? e164)
    {
        var (trustPrivate, trustPublic) = await _libsignal.KeyPairAsync();
        var (serverPrivate, serverPublic) = await _libsignal.KeyPairAsync();
        var identity = ECKeyPair.Generate().PublicKey;
        var expiry = DateTimeOffset.FromUnixTimeMilliseconds(SealedSenderWorld.Now.AddHours(20).ToUnixTimeMilliseconds());
        var uuid = SealedSenderWorld.NewAccount();

        var (serverBytes, serverSigned) = await _libsignal.ServerCertificateAsync(9, serverPublic, trustPrivate);
        var (senderBytes, senderSigned) = await _libsignal.SenderCertificateAsync(uuid, e164, 5, identity, expiry, serverBytes, serverPrivate);

        var server = ServerCertificate.Deserialize(serverBytes);
        Assert.True(server.Validate(trustPublic));
        Assert.Equal(9u, server.KeyId);
        Assert.Equal(serverPublic, server.Key);
        Assert.Equal(serverSigned, ServerCertificate.Create(9, serverPublic, ECPrivateKey.Deserialize(trustPrivate)).Certificate.ToArray());
        var sender = SenderCertificate.Deserialize(senderBytes);
        Assert.Equal((uuid, e164, 5u, expiry, identity), (sender.SenderUuid, sender.SenderE164, sender.SenderDeviceId, sender.Expiration, sender.Key));
        Assert.Null(sender.Check(trustPublic, expiry));
        Assert.Equal(CertificateError.Expired, sender.Check(trustPublic, expiry.AddMilliseconds(1)));
        Assert.Equal(CertificateError.ServerCertificateNotTrusted, sender.Check(_world.TrustRoot.PublicKey, SealedSenderWorld.Now));
        Assert.Equal(senderSigned, SenderCertificate.EncodeCertificate(uuid, e164, 5, identity, (ulong)expiry.ToUnixTimeMilliseconds(), server));
        Assert.Equal(senderBytes, sender.Serialize());

        var (revokedBytes, _) = await _libsignal.ServerCertificateAsync(0xDEADC357, serverPublic, trustPrivate);
        var (revokedSender, _) = await _libsignal.SenderCertificateAsync(uuid, e164, 5, identity, expiry, revokedBytes, serverPrivate);
        Assert.Equal(CertificateError.Revoked, SenderCertificate.Deserialize(revokedSender).Check(trustPublic, SealedSenderWorld.Now));
        var (otherPrivate, _) = await _libsignal.KeyPairAsync();
        var (wronglySigned, _) = await _libsignal.SenderCertificateAsync(uuid, e164, 5, identity, expiry, serverBytes, otherPrivate);
        Assert.Equal(CertificateError.BadSignature, SenderCertificate.Deserialize(wronglySigned).Check(trustPublic, SealedSenderWorld.Now));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropV1_FreshSessionInsideThenConversation_BothWays(bool cloudyFirst)
    {
        var (cloudy, signal) = await PairAsync();
        string Text(int i) => $"sealed message {i}";
        if (cloudyFirst)
        {
            await cloudy.StartSessionAsync(signal.Address, await signal.CreateBundleAsync(1, 2, 3));
            await CloudyToLibsignalAsync(cloudy, signal, Text(0));
        }
        else
        {
            await signal.StartSessionAsync(cloudy.Address, await cloudy.CreateBundleAsync(1, 2, 3));
            var first = await LibsignalToCloudyAsync(signal, cloudy, Text(0));
            Assert.Equal(CiphertextMessageType.PreKey, first.Content.Type);
        }
        for (var i = 1; i <= 6; i++)
        {
            if ((i % 2 == 1) == cloudyFirst)
            {
                Assert.Equal(CiphertextMessageType.Whisper, (await LibsignalToCloudyAsync(signal, cloudy, Text(i))).Content.Type);
            }
            else
            {
                await CloudyToLibsignalAsync(cloudy, signal, Text(i));
            }
        }
    }

    [Fact]
    public async Task InteropV1_ContentHintAndGroupId_CarriedBothWaysAndContentEncodedIdentically()
    {
        var (cloudy, signal) = await PairAsync();
        await signal.StartSessionAsync(cloudy.Address, await cloudy.CreateBundleAsync(1, 2, 3));
        byte[] groupId = [0x47, 0x52, 0x4F, 0x55, 0x50];

        var (sealedMessage, usmc) = await _libsignal.EncryptAsync(signal, cloudy.Address, "with a hint", Certify(signal), ContentHint.Implicit, groupId);
        var opened = await SealedSenderWorld.DecryptAsync(cloudy, sealedMessage, _world.TrustRoot.PublicKey);

        Assert.Equal("with a hint", Encoding.UTF8.GetString(opened.Message));
        Assert.Equal(ContentHint.Implicit, opened.Content.ContentHint);
        Assert.Equal(groupId, opened.Content.GroupId);
        // Our encoder, given the same fields, writes libsignal's bytes.
        Assert.Equal(usmc, UnidentifiedSenderMessageContent.Create(opened.Content.Type, opened.Content.Sender, opened.Content.Content, ContentHint.Implicit, groupId).Serialize());
        var (_, resendable) = await _libsignal.EncryptAsync(signal, cloudy.Address, "resendable, no group", Certify(signal), ContentHint.Resendable);
        var parsed = UnidentifiedSenderMessageContent.Deserialize(resendable!);
        Assert.Null(parsed.GroupId);
        Assert.Equal(resendable, UnidentifiedSenderMessageContent.Create(parsed.Type, parsed.Sender, parsed.Content, ContentHint.Resendable).Serialize());

        var reply = await SealedSenderWorld.EncryptAsync(cloudy, signal.Address, _world.Certify(cloudy), "reply with a hint", ContentHint.Resendable, groupId);
        var theirs = await _libsignal.DecryptToUsmcAsync(signal, reply);
        Assert.Equal((int)CiphertextMessageType.Whisper, theirs["type"]!.GetValue<int>());
        Assert.Equal((uint)ContentHint.Resendable, theirs["contentHint"]!.GetValue<uint>());
        Assert.Equal(groupId, LibsignalSealedSender.Bytes(theirs, "groupId"));
        Assert.Equal(_world.Certify(cloudy).SenderUuid, SenderCertificate.Deserialize(LibsignalSealedSender.Bytes(theirs, "senderCertificate")).SenderUuid);
    }

    [Fact]
    public async Task InteropV1Tamper_CloudyMessageEveryByteFlipped_LibsignalRejectsEach()
    {
        var (cloudy, signal) = await PairAsync();
        await cloudy.StartSessionAsync(signal.Address, await signal.CreateBundleAsync(1, 2, 3));
        var sealedMessage = await SealedSenderWorld.EncryptAsync(cloudy, signal.Address, _world.Certify(cloudy), "tamper with me");

        for (var i = 0; i < sealedMessage.Length; i++)
        {
            var tampered = (byte[])sealedMessage.Clone();
            // libsignal reads only the high nibble of the version byte (and takes 0x0_ as v1 too), so
            // there only a high bit is a tamper it can see; Cloudy refuses every bit (SealedSenderTests).
            tampered[i] ^= i == 0 ? (byte)0x20 : (byte)(1 << (i % 8));
            await Assert.ThrowsAsync<LibsignalException>(() => _libsignal.DecryptAsync(signal, tampered, _world.TrustRoot.PublicKey, SealedSenderWorld.Now));
        }

        Assert.Equal("tamper with me", (await _libsignal.DecryptAsync(signal, sealedMessage, _world.TrustRoot.PublicKey, SealedSenderWorld.Now)).Text);
    }

    [Fact]
    public async Task InteropV1Tamper_LibsignalMessageEveryByteFlipped_CloudyRejectsEachTypedAndStoresNothing()
    {
        var (cloudy, signal) = await PairAsync();
        await signal.StartSessionAsync(cloudy.Address, await cloudy.CreateBundleAsync(1, 2, 3));
        var (sealedMessage, _) = await _libsignal.EncryptAsync(signal, cloudy.Address, "tamper with me", Certify(signal));

        for (var i = 0; i < sealedMessage.Length; i++)
        {
            var tampered = (byte[])sealedMessage.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            var e = await Assert.ThrowsAnyAsync<ProtocolException>(() => SealedSenderWorld.DecryptAsync(cloudy, tampered, _world.TrustRoot.PublicKey));
            Assert.True(e is InvalidSealedSenderMessageException or InvalidVersionException, $"byte {i}: {e}");
        }

        Assert.Null(await cloudy.Store.LoadSessionAsync(signal.Address));
        Assert.NotNull(await cloudy.Store.LoadPreKeyAsync(1));
        Assert.Equal("tamper with me", Encoding.UTF8.GetString((await SealedSenderWorld.DecryptAsync(cloudy, sealedMessage, _world.TrustRoot.PublicKey)).Message));
    }

    [Theory]
    [MemberData(nameof(SealedSenderWorld.BadCertificateKinds), MemberType = typeof(SealedSenderWorld))]
    public async Task InteropV1_BadSenderCertificate_RejectedOnBothSidesAndSessionsStayUsable(string kind)
    {
        var (cloudy, signal) = await PairAsync();
        await cloudy.StartSessionAsync(signal.Address, await signal.CreateBundleAsync(1, 2, 3));
        await CloudyToLibsignalAsync(cloudy, signal, "good first");

        var fromCloudy = await SealedSenderWorld.EncryptAsync(cloudy, signal.Address, _world.BadCertificate(kind, cloudy.Address, cloudy.Identity.PublicKey).Certificate, "bad cert");
        await Assert.ThrowsAsync<LibsignalException>(() => _libsignal.DecryptAsync(signal, fromCloudy, _world.TrustRoot.PublicKey, SealedSenderWorld.Now));
        var (signalCertificate, expected) = _world.BadCertificate(kind, signal.Address, signal.IdentityKey.PublicKey);
        var (fromSignal, _) = await _libsignal.EncryptAsync(signal, cloudy.Address, "bad cert", signalCertificate);
        var e = await Assert.ThrowsAsync<InvalidCertificateException>(() => SealedSenderWorld.DecryptAsync(cloudy, fromSignal, _world.TrustRoot.PublicKey));
        Assert.Equal(expected, e.Error);

        // The refused messages changed nothing on the receiving sides: the sessions carry on (each sender's chain
        // moved one step for the refused message, which the receiver absorbs as a skipped message).
        await LibsignalToCloudyAsync(signal, cloudy, "good again");
        await CloudyToLibsignalAsync(cloudy, signal, "and back");
    }

    [Fact]
    public async Task InteropV2_LibsignalFanOut_SplitByCloudyMatchesLibsignalAndEveryDeviceOpensIt()
    {
        var sender = await LibsignalParty.CreateAsync(harness, SealedSenderWorld.NewAccount(), registrationId: 900);
        var recipients = await RecipientsAsync();
        foreach (var device in recipients.AllDevices)
        {
            await sender.StartSessionAsync(device.Address, await device.CreateBundleAsync(null, 1, 2));
        }
        byte[] groupId = [1, 2, 3, 4];

        var reply = await _libsignal.MultiEncryptSenderKeyAsync(sender, recipients.AllDevices.Select(d => d.Address), [recipients.Excluded.ToString()],
            Certify(sender), Guid.NewGuid(), "to the whole group", ContentHint.Resendable, groupId);
        var sent = LibsignalSealedSender.Bytes(reply, "message");
        var usmc = LibsignalSealedSender.Bytes(reply, "usmc");

        Assert.Equal(0x23, sent[0]);
        var ours = SealedSenderMultiRecipientMessage.Parse(sent);
        await AssertSplitsAgreeAsync(ours, sent, recipients);
        await AssertEveryDeviceOpensAsync(ours, recipients, usmc, CiphertextMessageType.SenderKey);
        var opened = UnidentifiedSenderMessageContent.Deserialize(usmc);
        Assert.Equal(LibsignalSealedSender.Bytes(reply, "inner"), opened.Content.ToArray());
        Assert.Equal(groupId, opened.GroupId);
        Assert.Equal(ContentHint.Resendable, opened.ContentHint);
    }

    [Fact]
    public async Task InteropV2_CloudyFanOut_SplitByLibsignalMatchesCloudyAndEveryDeviceOpensIt()
    {
        var sender = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 901);
        var recipients = await RecipientsAsync();
        foreach (var device in recipients.AllDevices)
        {
            await sender.StartSessionAsync(device.Address, await device.CreateBundleAsync(null, 1, 2));
        }
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(sender), RandomNumberGenerator.GetBytes(300),
            ContentHint.Implicit, [9, 9]);

        var sent = await new SealedSessionCipher(sender.Store).EncryptMultiRecipientAsync(recipients.AllDevices.Select(d => d.Address).ToList(), content, [recipients.Excluded]);

        var ours = SealedSenderMultiRecipientMessage.Parse(sent);
        await AssertSplitsAgreeAsync(ours, sent, recipients);
        await AssertEveryDeviceOpensAsync(ours, recipients, content.Serialize(), CiphertextMessageType.SenderKey);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InteropV2_SessionMessageInside_FullDecryptOnTheOtherSide(bool cloudySends)
    {
        var (cloudy, signal) = await PairAsync();
        if (cloudySends)
        {
            await cloudy.StartSessionAsync(signal.Address, await signal.CreateBundleAsync(1, 2, 3));
            var inner = await cloudy.EncryptAsync(signal.Address, "v2 with a PreKey message inside");
            var content = UnidentifiedSenderMessageContent.Create(inner.Type, _world.Certify(cloudy), inner.Body);
            var sent = await new SealedSessionCipher(cloudy.Store).EncryptMultiRecipientAsync([signal.Address], content);
            var (split, _) = await _libsignal.SplitAsync(sent);

            var result = await _libsignal.DecryptAsync(signal, Assert.Single(split).Payload, _world.TrustRoot.PublicKey, SealedSenderWorld.Now);

            Assert.Equal(("v2 with a PreKey message inside", cloudy.Address.Name, cloudy.Address.DeviceId), result);
        }
        else
        {
            await signal.StartSessionAsync(cloudy.Address, await cloudy.CreateBundleAsync(1, 2, 3));
            var reply = await _libsignal.MultiEncryptSessionMessageAsync(signal, [cloudy.Address], cloudy.Address, Certify(signal), "v2 with a PreKey message inside");
            var parsed = SealedSenderMultiRecipientMessage.Parse(LibsignalSealedSender.Bytes(reply, "message"));

            var result = await SealedSenderWorld.DecryptAsync(cloudy, parsed.MessageForRecipient(Assert.Single(parsed.Recipients)), _world.TrustRoot.PublicKey);

            Assert.Equal("v2 with a PreKey message inside", Encoding.UTF8.GetString(result.Message));
            Assert.Equal(CiphertextMessageType.PreKey, result.Content.Type);
            Assert.Equal(signal.Address.Name, result.SenderUuid);
        }
    }

    [Fact]
    public async Task InteropV2Tamper_ReceivedMessagesEveryByteFlipped_RejectedOnBothSides()
    {
        var (cloudy, signal) = await PairAsync();
        await cloudy.StartSessionAsync(signal.Address, await signal.CreateBundleAsync(null, 1, 2));
        await signal.StartSessionAsync(cloudy.Address, await cloudy.CreateBundleAsync(null, 1, 2));
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(cloudy), "group content"u8);
        var fromCloudy = SealedSenderMultiRecipientMessage.Parse(await new SealedSessionCipher(cloudy.Store).EncryptMultiRecipientAsync([signal.Address], content));
        var toSignal = fromCloudy.MessageForRecipient(fromCloudy.Recipients[0]);
        var reply = await _libsignal.MultiEncryptSenderKeyAsync(signal, [cloudy.Address], [], Certify(signal), Guid.NewGuid(), "group content", ContentHint.Default, null);
        var (split, _) = await _libsignal.SplitAsync(LibsignalSealedSender.Bytes(reply, "message"));
        var toCloudy = Assert.Single(split).Payload;
        var cipher = new SealedSessionCipher(cloudy.Store);

        for (var i = 0; i < toSignal.Length; i++)
        {
            var tampered = (byte[])toSignal.Clone();
            // As for v1, libsignal reads only the version byte's high nibble.
            tampered[i] ^= i == 0 ? (byte)0x40 : (byte)(1 << (i % 8));
            await Assert.ThrowsAsync<LibsignalException>(() => _libsignal.DecryptToUsmcAsync(signal, tampered));
        }
        for (var i = 0; i < toCloudy.Length; i++)
        {
            var tampered = (byte[])toCloudy.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            var e = await Assert.ThrowsAnyAsync<ProtocolException>(() => cipher.DecryptToContentAsync(tampered));
            Assert.True(e is InvalidSealedSenderMessageException or InvalidVersionException, $"byte {i}: {e}");
        }

        Assert.Equal(content.Serialize(), LibsignalSealedSender.Bytes(await _libsignal.DecryptToUsmcAsync(signal, toSignal), "serialized"));
        Assert.Equal(LibsignalSealedSender.Bytes(reply, "usmc"), (await cipher.DecryptToContentAsync(toCloudy)).Serialize());
    }

    [Fact]
    public async Task InteropAccessKey_DerivationMatchesLibsignalProfileKey()
    {
        var known = Convert.FromHexString("b95042a2c2d9e5b3bb09300ee408a172facd96e91b504e043a5a023dc4cff359");
        Assert.Equal("24fb96d4a5e333e9d4451205b9e2faed", Convert.ToHexString(await _libsignal.DeriveAccessKeyAsync(known)).ToLowerInvariant());
        for (var i = 0; i < 20; i++)
        {
            var profileKey = RandomNumberGenerator.GetBytes(UnidentifiedAccess.ProfileKeyLength);
            Assert.Equal(await _libsignal.DeriveAccessKeyAsync(profileKey), UnidentifiedAccess.DeriveAccessKey(profileKey));
        }
    }

    [Fact]
    public async Task InteropGcmSiv_MatchesLibsignalAes256GcmSiv()
    {
        for (var i = 0; i < 20; i++)
        {
            var (key, nonce, aad, plaintext) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(12), RandomNumberGenerator.GetBytes(i), RandomNumberGenerator.GetBytes(i * 13));
            Assert.Equal(await _libsignal.GcmSivAsync(key, nonce, aad, plaintext), SealedSenderCiphers.GcmSiv(true, key, nonce, aad, plaintext));
        }
    }

    private async Task<bool> LibsignalValidAsync(SenderCertificate certificate, DateTimeOffset time) =>
        (await _libsignal.ReadSenderCertificateAsync(certificate.Serialize(), _world.TrustRoot.PublicKey, time))["valid"]!.GetValue<bool>();

    private SenderCertificate Certify(LibsignalParty party) => _world.Certify(party.Address, party.IdentityKey.PublicKey);

    private async Task CloudyToLibsignalAsync(CloudyParty cloudy, LibsignalParty signal, string text)
    {
        var sealedMessage = await SealedSenderWorld.EncryptAsync(cloudy, signal.Address, _world.Certify(cloudy), text);
        Assert.Equal((text, cloudy.Address.Name, cloudy.Address.DeviceId),
            await _libsignal.DecryptAsync(signal, sealedMessage, _world.TrustRoot.PublicKey, SealedSenderWorld.Now));
    }

    private async Task<SealedSenderDecryptionResult> LibsignalToCloudyAsync(LibsignalParty signal, CloudyParty cloudy, string text)
    {
        var (sealedMessage, _) = await _libsignal.EncryptAsync(signal, cloudy.Address, text, Certify(signal));
        Assert.Equal(0x11, sealedMessage[0]);
        var result = await SealedSenderWorld.DecryptAsync(cloudy, sealedMessage, _world.TrustRoot.PublicKey);
        Assert.Equal(text, Encoding.UTF8.GetString(result.Message));
        Assert.Equal((signal.Address.Name, signal.Address.DeviceId), (result.SenderUuid, result.SenderDeviceId));
        return result;
    }

    private async Task<(CloudyParty Cloudy, LibsignalParty Signal)> PairAsync() =>
        (new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 1001), await LibsignalParty.CreateAsync(harness, SealedSenderWorld.NewAccount(), registrationId: 2002));

    /// <summary>
    /// Cloudy account A (devices 1 and 2), libsignal account B (devices 1 and 3), Cloudy account C (device 1),
    /// and an excluded PNI: every kind of recipient a fan-out has.
    /// </summary>
    private async Task<Recipients> RecipientsAsync()
    {
        var a1 = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 11);
        var a2 = new CloudyParty(a1.Address.Name, registrationId: 12, deviceId: 2, identity: a1.Identity);
        var b1 = await LibsignalParty.CreateAsync(harness, SealedSenderWorld.NewAccount(), registrationId: 21);
        var b3 = await LibsignalParty.CreateLinkedDeviceAsync(b1, 3, registrationId: 0x3FFF);
        var c1 = new CloudyParty(SealedSenderWorld.NewAccount(), registrationId: 31);
        return new Recipients([a1, a2], [b1, b3], [c1], ServiceId.Parse("PNI:" + Guid.NewGuid()));
    }

    private async Task AssertSplitsAgreeAsync(SealedSenderMultiRecipientMessage ours, byte[] sent, Recipients recipients)
    {
        var (theirs, excluded) = await _libsignal.SplitAsync(sent);

        Assert.Equal([recipients.Excluded.ToString()], excluded);
        Assert.Equal([recipients.Excluded], ours.ExcludedRecipients);
        Assert.Equal(recipients.Accounts.Select(a => ServiceId.Parse(a[0].Address.Name)), ours.Recipients.Select(r => r.ServiceId));
        Assert.Equal(ours.Recipients.Select(r => r.ServiceId.ToString()).Order(), theirs.Select(t => t.ServiceId).Order());
        foreach (var (account, recipient) in recipients.Accounts.Zip(ours.Recipients))
        {
            var expected = account.Select(d => new RecipientDevice((int)d.Address.DeviceId, (int)recipients.RegistrationIdOf(d))).ToList();
            Assert.Equal(expected, recipient.Devices);
            var their = theirs.Single(t => t.ServiceId == recipient.ServiceId.ToString());
            Assert.Equal(expected.Select(d => d.DeviceId), their.DeviceIds);
            Assert.Equal(expected.Select(d => d.RegistrationId), their.RegistrationIds);
            Assert.Equal(their.Payload, ours.MessageForRecipient(recipient));
        }
    }

    private async Task AssertEveryDeviceOpensAsync(SealedSenderMultiRecipientMessage message, Recipients recipients, byte[] usmc, CiphertextMessageType type)
    {
        foreach (var (account, recipient) in recipients.Accounts.Zip(message.Recipients))
        {
            var payload = message.MessageForRecipient(recipient);
            foreach (var device in account)
            {
                if (device is CloudyParty cloudy)
                {
                    var opened = await new SealedSessionCipher(cloudy.Store).DecryptToContentAsync(payload);
                    Assert.Equal(type, opened.Type);
                    Assert.Equal(usmc, opened.Serialize());
                    opened.Sender.EnsureValid(_world.TrustRoot.PublicKey, SealedSenderWorld.Now);
                }
                else
                {
                    Assert.Equal(usmc, LibsignalSealedSender.Bytes(await _libsignal.DecryptToUsmcAsync((LibsignalParty)device, payload), "serialized"));
                }
            }
        }
        // One account's payload is useless to another: the key material is per recipient identity.
        var bPayload = message.MessageForRecipient(message.Recipients[1]);
        await Assert.ThrowsAsync<InvalidSealedSenderMessageException>(() => new SealedSessionCipher(((CloudyParty)recipients.Accounts[0][0]).Store).DecryptToContentAsync(bPayload));
        var aPayload = message.MessageForRecipient(message.Recipients[0]);
        await Assert.ThrowsAsync<LibsignalException>(() => _libsignal.DecryptToUsmcAsync((LibsignalParty)recipients.Accounts[1][0], aPayload));
    }

    private sealed record Recipients(IReadOnlyList<ITestParty> A, IReadOnlyList<ITestParty> B, IReadOnlyList<ITestParty> C, ServiceId Excluded)
    {
        public IReadOnlyList<IReadOnlyList<ITestParty>> Accounts => [A, B, C];

        public IEnumerable<ITestParty> AllDevices => Accounts.SelectMany(a => a);

        public uint RegistrationIdOf(ITestParty device) => device switch
        {
            CloudyParty cloudy => cloudy.RegistrationId,
            _ => device.Address.DeviceId == 1 ? 21u : 0x3FFFu,
        };
    }
}

/// <summary>The same suite against libsignal 0.90.0 (SPQR-capable; sealed sender unchanged since 0.72.1).</summary>
public sealed class SealedSenderInterop090Tests(Libsignal090Harness harness) : SealedSenderInteropTests(harness), IClassFixture<Libsignal090Harness>;
