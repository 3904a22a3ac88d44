using Cloudy.Protocol.Messages;
using Cloudy.Protocol.Tests.Interop;

namespace Cloudy.Protocol.Tests;

/// <summary>
/// Conversation scenarios written once and run with any pair of implementations: Cloudy↔Cloudy,
/// Cloudy→libsignal and libsignal→Cloudy.
/// </summary>
internal static class ConversationScenarios
{
    /// <summary>Initiator fetches responder's bundle, sends a PreKey message, gets a reply; returns nothing but asserts every step.</summary>
    public static async Task EstablishAsync(ITestParty initiator, ITestParty responder, bool withOneTimePreKey, uint idBase = 100)
    {
        var bundle = await responder.CreateBundleAsync(withOneTimePreKey ? idBase + 1 : null, idBase + 2, idBase + 3);
        await initiator.StartSessionAsync(responder.Address, bundle);

        var first = await initiator.EncryptAsync(responder.Address, "hello from the initiator");
        Assert.Equal(CiphertextMessageType.PreKey, first.Type);
        var parsed = PreKeySignalMessage.Deserialize(first.Body);
        Assert.Equal(withOneTimePreKey ? idBase + 1 : null, parsed.PreKeyId);
        Assert.Equal(idBase + 3, parsed.KyberPreKeyId);
        Assert.Equal("hello from the initiator", await responder.DecryptAsync(initiator.Address, first));

        var reply = await responder.EncryptAsync(initiator.Address, "hello back");
        Assert.Equal(CiphertextMessageType.Whisper, reply.Type);
        Assert.Equal("hello back", await initiator.DecryptAsync(responder.Address, reply));

        var second = await initiator.EncryptAsync(responder.Address, "now a plain ratchet message");
        Assert.Equal(CiphertextMessageType.Whisper, second.Type);
        Assert.Equal("now a plain ratchet message", await responder.DecryptAsync(initiator.Address, second));
    }

    /// <summary>
    /// Before any reply, the initiator sends many PreKey messages (all carrying the same base key);
    /// they arrive shuffled and one is lost. (Against SPQR-capable libsignal this is the phase before
    /// the downgrade to no-SPQR is negotiated.)
    /// </summary>
    public static async Task PreKeyBurstAsync(ITestParty initiator, ITestParty responder)
    {
        var bundle = await responder.CreateBundleAsync(301, 302, 303);
        await initiator.StartSessionAsync(responder.Address, bundle);
        var burst = new List<CiphertextMessage>();
        for (var i = 0; i < 30; i++)
        {
            burst.Add(await initiator.EncryptAsync(responder.Address, $"burst {i}"));
            Assert.Equal(CiphertextMessageType.PreKey, burst[i].Type);
        }
        foreach (var i in Enumerable.Range(0, 30).Where(i => i != 13).OrderBy(i => (i * 7) % 30))
        {
            Assert.Equal($"burst {i}", await responder.DecryptAsync(initiator.Address, burst[i]));
        }
        var reply = await responder.EncryptAsync(initiator.Address, "got your burst");
        Assert.Equal("got your burst", await initiator.DecryptAsync(responder.Address, reply));
        await AlternateAsync(initiator, responder, 20);
    }

    public static async Task AlternateAsync(ITestParty a, ITestParty b, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (sender, receiver) = i % 2 == 0 ? (a, b) : (b, a);
            var text = $"message {i} from {sender.Address.Name}";
            var message = await sender.EncryptAsync(receiver.Address, text);
            Assert.Equal(text, await receiver.DecryptAsync(sender.Address, message));
        }
    }

    /// <summary>Out-of-order delivery across a DH ratchet step, lost messages, then a replay that must be refused.</summary>
    public static async Task OutOfOrderAsync(ITestParty a, ITestParty b)
    {
        var batch = new List<CiphertextMessage>();
        for (var i = 0; i < 10; i++)
        {
            batch.Add(await a.EncryptAsync(b.Address, $"batch {i}"));
        }
        foreach (var i in new[] { 3, 0, 7, 1, 9, 2 })
        {
            Assert.Equal($"batch {i}", await b.DecryptAsync(a.Address, batch[i]));
        }

        var reply = await b.EncryptAsync(a.Address, "reply");
        Assert.Equal("reply", await a.DecryptAsync(b.Address, reply));
        _ = await a.EncryptAsync(b.Address, "lost forever"); // never delivered
        var next = await a.EncryptAsync(b.Address, "next chain");
        Assert.Equal("next chain", await b.DecryptAsync(a.Address, next));

        // Held-back messages of the previous chain still decrypt from stored skipped keys.
        foreach (var i in new[] { 5, 8, 4, 6 })
        {
            Assert.Equal($"batch {i}", await b.DecryptAsync(a.Address, batch[i]));
        }

        var before = await b.SessionBytesAsync(a.Address);
        var replay = await Assert.ThrowsAnyAsync<Exception>(() => b.DecryptAsync(a.Address, batch[3]));
        Assert.True(replay is DuplicateMessageException or LibsignalException, replay.ToString());
        Assert.Equal(before, await b.SessionBytesAsync(a.Address));

        await AlternateAsync(a, b, 4);
    }

    /// <summary>Flips one bit in every byte of a ratchet message: each must be refused and leave the receiver's session untouched.</summary>
    public static async Task TamperEveryByteAsync(ITestParty sender, ITestParty receiver)
    {
        var message = await sender.EncryptAsync(receiver.Address, "do not tamper with me");
        Assert.Equal(CiphertextMessageType.Whisper, message.Type);
        var before = await receiver.SessionBytesAsync(sender.Address);
        for (var position = 0; position < message.Body.Length; position++)
        {
            await AssertRejectedAsync(receiver, sender.Address, Flip(message, position, position % 8));
            Assert.Equal(before, await receiver.SessionBytesAsync(sender.Address));
        }
        Assert.Equal("do not tamper with me", await receiver.DecryptAsync(sender.Address, message));
    }

    /// <summary>
    /// Tampers with the session-opening PreKey message in its authenticated parts (base key, identity
    /// key, Kyber ciphertext, embedded message): refused, no session created, prekeys not consumed.
    /// </summary>
    public static async Task TamperPreKeyMessageAsync(ITestParty initiator, ITestParty responder)
    {
        var bundle = await responder.CreateBundleAsync(501, 502, 503);
        await initiator.StartSessionAsync(responder.Address, bundle);
        var message = await initiator.EncryptAsync(responder.Address, "first words");
        var parsed = PreKeySignalMessage.Deserialize(message.Body);
        var positions = new List<int>();
        foreach (var part in new[] { parsed.BaseKey.Serialize()[1..], parsed.IdentityKey.Serialize()[1..], parsed.KyberCiphertext[1..], parsed.Message.Serialize() })
        {
            var start = IndexOf(message.Body, part);
            Assert.True(start > 0);
            positions.AddRange([start, start + part.Length / 2, start + part.Length - 1]);
        }
        foreach (var position in positions)
        {
            await AssertRejectedAsync(responder, initiator.Address, Flip(message, position, 1 + position % 7));
            Assert.Null(await responder.SessionBytesAsync(initiator.Address));
        }
        Assert.Equal("first words", await responder.DecryptAsync(initiator.Address, message));
    }

    /// <summary>Both sides fetch each other's bundle and send a PreKey message at the same time; they must converge.</summary>
    public static async Task SimultaneousInitiationAsync(ITestParty a, ITestParty b)
    {
        var bundleA = await a.CreateBundleAsync(601, 602, 603);
        var bundleB = await b.CreateBundleAsync(701, 702, 703);
        await a.StartSessionAsync(b.Address, bundleB);
        await b.StartSessionAsync(a.Address, bundleA);
        var fromA = await a.EncryptAsync(b.Address, "a first");
        var fromB = await b.EncryptAsync(a.Address, "b first");
        Assert.Equal(CiphertextMessageType.PreKey, fromA.Type);
        Assert.Equal(CiphertextMessageType.PreKey, fromB.Type);
        Assert.Equal("a first", await b.DecryptAsync(a.Address, fromA));
        Assert.Equal("b first", await a.DecryptAsync(b.Address, fromB));
        await AlternateAsync(a, b, 6);
        var last = await a.EncryptAsync(b.Address, "converged");
        Assert.Equal(CiphertextMessageType.Whisper, last.Type);
        Assert.Equal("converged", await b.DecryptAsync(a.Address, last));
    }

    /// <summary>
    /// An established session is replaced when the initiator starts over from a new bundle: the
    /// responder archives the old session, and a delayed message of the old session still decrypts.
    /// </summary>
    public static async Task SessionReplacedAsync(ITestParty initiator, ITestParty responder)
    {
        await EstablishAsync(initiator, responder, withOneTimePreKey: true, idBase: 800);
        var delayed = await initiator.EncryptAsync(responder.Address, "sent on the old session");

        var bundle = await responder.CreateBundleAsync(901, 902, 903);
        await initiator.StartSessionAsync(responder.Address, bundle);
        var fresh = await initiator.EncryptAsync(responder.Address, "fresh session");
        Assert.Equal(CiphertextMessageType.PreKey, fresh.Type);
        Assert.Equal("fresh session", await responder.DecryptAsync(initiator.Address, fresh));
        var reply = await responder.EncryptAsync(initiator.Address, "ack fresh");
        Assert.Equal("ack fresh", await initiator.DecryptAsync(responder.Address, reply));

        Assert.Equal("sent on the old session", await responder.DecryptAsync(initiator.Address, delayed));
        await AlternateAsync(initiator, responder, 4);
    }

    private static async Task AssertRejectedAsync(ITestParty receiver, ProtocolAddress from, CiphertextMessage tampered)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => receiver.DecryptAsync(from, tampered));
        Assert.True(error is ProtocolException or LibsignalException, $"unexpected exception type: {error}");
    }

    private static CiphertextMessage Flip(CiphertextMessage message, int position, int bit)
    {
        var body = (byte[])message.Body.Clone();
        body[position] ^= (byte)(1 << bit);
        return message with { Body = body };
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
