using Cloudy.Formats;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.SealedSender;
using FsCheck.Xunit;

namespace Cloudy.Protocol.Tests.SealedSender;

/// <summary>
/// Every sealed-sender decoder on random and mutated input (fixed seeds, <see cref="DecoderFuzzTests.Fuzz"/>):
/// each input decodes or raises its documented exception, nothing else. Plus FsCheck properties of
/// the multi-recipient encoding.
/// </summary>
public sealed class SealedSenderFuzzTests
{
    private const int Cases = 4000;
    private readonly SealedSenderWorld _world = new();

    [Fact]
    public void CertificateDeserializers_RandomAndMutatedInputs_OnlyInvalidCertificate()
    {
        var sender = _world.Certify(new ProtocolAddress("fuzz", 1), ECKeyPair.Generate().PublicKey, e164: "+1555");

        var server = DecoderFuzzTests.Fuzz([_world.Server.Serialize()], 301, 200, bytes => ServerCertificate.Deserialize(bytes), typeof(InvalidCertificateException));
        var senders = DecoderFuzzTests.Fuzz([sender.Serialize()], 302, 400, bytes => SenderCertificate.Deserialize(bytes), typeof(InvalidCertificateException));

        server.AssertMeaningful(Cases);
        senders.AssertMeaningful(Cases);
    }

    [Fact]
    public void ContentDeserialize_RandomAndMutatedInputs_OnlyTypedExceptions()
    {
        var sender = _world.Certify(new ProtocolAddress("fuzz", 1), ECKeyPair.Generate().PublicKey);
        var seeds = new[]
        {
            UnidentifiedSenderMessageContent.Create(CiphertextMessageType.Whisper, sender, "inner"u8).Serialize(),
            UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, sender, "inner"u8, ContentHint.Implicit, [1, 2]).Serialize(),
        };

        var result = DecoderFuzzTests.Fuzz(seeds, 303, 500, bytes => UnidentifiedSenderMessageContent.Deserialize(bytes),
            typeof(InvalidSealedSenderMessageException), typeof(InvalidCertificateException));

        result.AssertMeaningful(Cases);
    }

    [Fact]
    public async Task MultiRecipientParse_RandomAndMutatedInputs_OnlyFormatExceptionAndAcceptedOnesSplit()
    {
        var seeds = new[] { await SentMessageAsync(3), await SentMessageAsync(1) };

        var result = DecoderFuzzTests.Fuzz(seeds, 304, 600, bytes =>
        {
            var parsed = SealedSenderMultiRecipientMessage.Parse(bytes);
            foreach (var recipient in parsed.Recipients)
            {
                Assert.NotEmpty(recipient.Devices);
                Assert.All(recipient.Devices, d => Assert.InRange(d.DeviceId, 1, 127));
                Assert.Equal(parsed.ReceivedMessageLength, parsed.MessageForRecipient(recipient).Length);
            }
            Assert.Empty(parsed.ExcludedRecipients.Intersect(parsed.Recipients.Select(r => r.ServiceId)));
        }, typeof(SealedSenderFormatException));

        // Most of a sent message is the opaque shared ciphertext, which the split passes on unread:
        // mutations there parse (decryption refuses them later), so only a quarter need be rejected here.
        Assert.Equal(Cases, result.Accepted + result.Rejected);
        Assert.True(result.Rejected > Cases / 4 && result.Accepted > Cases / 4, $"{result.Rejected} rejected, {result.Accepted} accepted");
    }

    [Fact]
    public async Task DecryptToContentAsync_MutatedV1AndV2Messages_OnlyTypedExceptions()
    {
        var (alice, bob) = (new CloudyParty(SealedSenderWorld.NewAccount(), 5), new CloudyParty(SealedSenderWorld.NewAccount(), 6));
        await alice.StartSessionAsync(bob.Address, await bob.CreateBundleAsync(null, 1, 2));
        var v1 = await SealedSenderWorld.EncryptAsync(alice, bob.Address, _world.Certify(alice), "fuzz v1");
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(alice), "fuzz v2"u8);
        var parsed = SealedSenderMultiRecipientMessage.Parse(await new SealedSessionCipher(alice.Store).EncryptMultiRecipientAsync([bob.Address], content));
        var v2 = parsed.MessageForRecipient(parsed.Recipients[0]);
        var cipher = new SealedSessionCipher(bob.Store);

        var result = DecoderFuzzTests.Fuzz([v1, v2], 305, 300, bytes => cipher.DecryptToContentAsync(bytes).GetAwaiter().GetResult(),
            typeof(InvalidSealedSenderMessageException), typeof(InvalidVersionException), typeof(InvalidCertificateException));

        result.AssertMeaningful(Cases);
    }

    [Property(MaxTest = 25, Replay = "(20261201,20261203)")]
    public async Task EncryptMultiRecipient_AnyRecipientsAndDevices_ParsesBackToTheSameAddressing(byte accounts, byte devicesSeed, byte excludedCount)
    {
        var random = new Random(devicesSeed);
        var sender = new CloudyParty(SealedSenderWorld.NewAccount());
        var destinations = new List<ProtocolAddress>();
        var expected = new List<(ServiceId Id, List<RecipientDevice> Devices)>();
        for (var a = 0; a < 1 + (accounts % 5); a++)
        {
            var first = new CloudyParty(SealedSenderWorld.NewAccount(), (uint)random.Next(1, 0x4000), (uint)random.Next(1, 128));
            var devices = new List<RecipientDevice>();
            foreach (var deviceId in Enumerable.Range(0, 1 + random.Next(4)).Select(_ => (uint)random.Next(1, 128)).Prepend(first.Address.DeviceId).Distinct())
            {
                var device = deviceId == first.Address.DeviceId ? first : new CloudyParty(first.Address.Name, (uint)random.Next(1, 0x4000), deviceId, first.Identity);
                await sender.StartSessionAsync(device.Address, await device.CreateBundleAsync(null, 1, 2));
                destinations.Add(device.Address);
                devices.Add(new RecipientDevice((int)deviceId, (int)device.RegistrationId));
            }
            expected.Add((ServiceId.Parse(first.Address.Name), devices));
        }
        var excluded = Enumerable.Range(0, excludedCount % 3).Select(_ => ServiceId.Parse("PNI:" + Guid.NewGuid())).ToList();
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(sender), new byte[random.Next(200)]);

        var parsed = SealedSenderMultiRecipientMessage.Parse(await new SealedSessionCipher(sender.Store).EncryptMultiRecipientAsync(destinations, content, excluded));

        Assert.Equal(expected.Select(e => e.Id), parsed.Recipients.Select(r => r.ServiceId));
        Assert.Equal(expected.Select(e => e.Devices), parsed.Recipients.Select(r => r.Devices.ToList()));
        Assert.Equal(excluded, parsed.ExcludedRecipients);
    }

    private async Task<byte[]> SentMessageAsync(int recipients)
    {
        var sender = new CloudyParty(SealedSenderWorld.NewAccount());
        var destinations = new List<ProtocolAddress>();
        for (var i = 0; i < recipients; i++)
        {
            var device = new CloudyParty(SealedSenderWorld.NewAccount(), (uint)(100 + i), (uint)(1 + i));
            await sender.StartSessionAsync(device.Address, await device.CreateBundleAsync(null, 1, 2));
            destinations.Add(device.Address);
        }
        var content = UnidentifiedSenderMessageContent.Create(CiphertextMessageType.SenderKey, _world.Certify(sender), "seed"u8);
        return await new SealedSessionCipher(sender.Store).EncryptMultiRecipientAsync(destinations, content, [ServiceId.Parse(SealedSenderWorld.NewAccount())]);
    }
}
