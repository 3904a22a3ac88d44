using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;
using FsCheck.Xunit;

namespace Cloudy.Protocol.Tests;

/// <summary>
/// FsCheck properties of the Double Ratchet, on Cloudy↔Cloudy sessions. Replay pins FsCheck's seed
/// so every run checks the same cases (deterministic, a few seconds in total).
/// </summary>
public sealed class RatchetPropertyTests
{
    private const string Seed = "(20261124,20261125)";

    [Property(MaxTest = 30, Replay = Seed)]
    public async Task Decrypt_AnyDeliveryPermutationAcrossARatchetStep_YieldsEachPlaintextExactlyOnce(byte firstChain, byte secondChain, int shuffleSeed)
    {
        var (alice, bob) = await EstablishAsync();
        var sent = new List<(string Text, CiphertextMessage Message)>();
        await SendAsync(alice, bob, sent, "a", 1 + (firstChain % 20));

        // Bob answers, so Alice's next messages come from a new DH ratchet step (a new chain).
        Assert.Equal("turn", await alice.DecryptAsync(bob.Address, await bob.EncryptAsync(alice.Address, "turn")));
        await SendAsync(alice, bob, sent, "b", secondChain % 20);

        var order = sent.ToArray();
        new Random(shuffleSeed).Shuffle(order);
        foreach (var (text, message) in order)
        {
            Assert.Equal(text, await bob.DecryptAsync(alice.Address, message));
        }

        // Delivered once means never again: every replay is refused and changes nothing.
        var before = await bob.SessionBytesAsync(alice.Address);
        foreach (var (_, message) in sent)
        {
            await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.DecryptAsync(alice.Address, message));
        }

        Assert.Equal(before, await bob.SessionBytesAsync(alice.Address));
    }

    [Property(MaxTest = 8, Replay = Seed)]
    public async Task Decrypt_JumpAheadWithinStoredKeyBound_HeldBackMessagesStillDecrypt(ushort jump, int pickSeed)
    {
        var (alice, bob) = await EstablishAsync();
        var skipped = jump % Limits.MaxMessageKeys;
        var sent = new List<(string Text, CiphertextMessage Message)>();
        await SendAsync(alice, bob, sent, "m", skipped + 1);

        // The newest arrives first; the receiver must keep keys for every message it jumped over.
        Assert.Equal(sent[^1].Text, await bob.DecryptAsync(alice.Address, sent[^1].Message));
        var random = new Random(pickSeed);
        foreach (var index in Enumerable.Range(0, 10).Select(_ => random.Next(skipped + 1)).Distinct().Where(i => i < skipped))
        {
            Assert.Equal(sent[index].Text, await bob.DecryptAsync(alice.Address, sent[index].Message));
        }
    }

    [Property(MaxTest = 20, Replay = Seed)]
    public async Task Encrypt_AnyConversationSchedule_NeverReusesAMessageKey(bool[] schedule)
    {
        var (alice, bob) = await EstablishAsync();
        var ciphertexts = new HashSet<string>();
        var positions = new HashSet<string>();

        foreach (var aliceSends in schedule.Take(40).Prepend(true))
        {
            var (sender, receiver) = aliceSends ? (alice, bob) : (bob, alice);

            // Same plaintext every time: equal AES-CBC ciphertexts would mean a repeated key and IV.
            var message = await sender.EncryptAsync(receiver.Address, "same plaintext");
            var signal = message.Type == CiphertextMessageType.PreKey
                ? PreKeySignalMessage.Deserialize(message.Body).Message
                : SignalMessage.Deserialize(message.Body);
            Assert.True(ciphertexts.Add(Convert.ToHexString(signal.Ciphertext)), "a message key was reused");
            Assert.True(positions.Add($"{Convert.ToHexString(signal.SenderRatchetKey.Serialize())}/{signal.Counter}"), "a (ratchet key, counter) pair was reused");
            Assert.Equal("same plaintext", await receiver.DecryptAsync(sender.Address, message));
        }
    }

    [Property(MaxTest = 25, Replay = Seed)]
    public async Task Decrypt_AnySingleBitFlip_FailsTypedAndLeavesSessionBytesUnchanged(bool[] schedule, int bitSeed)
    {
        var (alice, bob) = await EstablishAsync();
        foreach (var aliceSends in schedule.Take(12))
        {
            var (sender, receiver) = aliceSends ? (alice, bob) : (bob, alice);
            Assert.Equal("x", await receiver.DecryptAsync(sender.Address, await sender.EncryptAsync(receiver.Address, "x")));
        }

        var message = await alice.EncryptAsync(bob.Address, "target");
        var bit = (int)((uint)bitSeed % (uint)(message.Body.Length * 8));
        var tampered = (byte[])message.Body.Clone();
        tampered[bit / 8] ^= (byte)(1 << (bit % 8));
        var before = await bob.SessionBytesAsync(alice.Address);

        var e = await Assert.ThrowsAnyAsync<ProtocolException>(() => bob.DecryptAsync(alice.Address, message with { Body = tampered }));

        Assert.True(e is InvalidMessageException or InvalidVersionException, e.ToString());
        Assert.Equal(before, await bob.SessionBytesAsync(alice.Address));
        Assert.Equal("target", await bob.DecryptAsync(alice.Address, message));
    }

    private static async Task<(CloudyParty Alice, CloudyParty Bob)> EstablishAsync()
    {
        var alice = new CloudyParty("alice");
        var bob = new CloudyParty("bob");
        await ConversationScenarios.EstablishAsync(alice, bob, withOneTimePreKey: true);
        return (alice, bob);
    }

    private static async Task SendAsync(CloudyParty from, CloudyParty to, List<(string, CiphertextMessage)> sent, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var text = $"{prefix}{i}";
            sent.Add((text, await from.EncryptAsync(to.Address, text)));
        }
    }
}
