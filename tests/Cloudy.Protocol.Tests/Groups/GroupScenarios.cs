using Cloudy.Protocol.Groups;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Tests.Groups;

/// <summary>
/// Sender-key scenarios written once and run with any pair of implementations: Cloudy→Cloudy,
/// Cloudy→libsignal and libsignal→Cloudy. Each one asserts outcomes message by message, and that
/// every refused message left the receiver's record byte for byte as it was.
/// </summary>
internal static class GroupScenarios
{
    /// <summary>A new distribution id; the sender's distribution message processed by every receiver.</summary>
    public static async Task<Guid> DistributeAsync(IGroupParty sender, params IGroupParty[] receivers)
    {
        var distributionId = Guid.NewGuid();
        var distribution = await sender.CreateDistributionAsync(distributionId);
        foreach (var receiver in receivers)
        {
            await receiver.ProcessDistributionAsync(sender.Address, distribution);
        }
        return distributionId;
    }

    /// <summary><paramref name="count"/> messages, delivered in order; iterations 0, 1, … on the wire.</summary>
    public static async Task InOrderAsync(IGroupParty sender, IGroupParty receiver, int count)
    {
        var distributionId = await DistributeAsync(sender, receiver);
        var texts = Enumerable.Range(0, count).Select(i => $"group message {i} from {sender.Address.Name}").ToList();

        var messages = await sender.EncryptAsync(distributionId, texts);
        var results = await receiver.DecryptAsync(sender.Address, messages);

        for (var i = 0; i < count; i++)
        {
            var parsed = SenderKeyMessage.Deserialize(messages[i]);
            Assert.Equal(distributionId, parsed.DistributionId);
            Assert.Equal((uint)i, parsed.Iteration);
            Assert.Equal(GroupDecryptResult.Ok(texts[i]), results[i]);
        }
    }

    /// <summary>Shuffled delivery with messages held back: the skipped keys are used later, each message decrypts once.</summary>
    public static async Task OutOfOrderAsync(IGroupParty sender, IGroupParty receiver)
    {
        var distributionId = await DistributeAsync(sender, receiver);
        var texts = Enumerable.Range(0, 30).Select(i => $"out of order {i}").ToList();
        var messages = await sender.EncryptAsync(distributionId, texts);

        int[] first = [29, 5, 0, 17, 3, 28, 11];
        var later = Enumerable.Range(0, 30).Except(first).OrderBy(i => (i * 13) % 30).ToArray();
        foreach (var order in new[] { first, later })
        {
            var results = await receiver.DecryptAsync(sender.Address, order.Select(i => messages[i]).ToList());
            Assert.Equal(order.Select(i => GroupDecryptResult.Ok(texts[i])), results);
        }

        await AssertAllRefusedAsync(receiver, sender, distributionId, messages, GroupFailure.Duplicate);
        var next = await sender.EncryptAsync(distributionId, ["after the shuffle"]);
        Assert.Equal([GroupDecryptResult.Ok("after the shuffle")], await receiver.DecryptAsync(sender.Address, next));
    }

    /// <summary>
    /// One bit flipped in every byte of a message (version, distribution id, chain id, iteration,
    /// ciphertext, signature): all refused, the record unchanged, and the genuine message then decrypts.
    /// </summary>
    public static async Task TamperEveryByteAsync(IGroupParty sender, IGroupParty receiver)
    {
        var distributionId = await DistributeAsync(sender, receiver);
        var warmUp = await sender.EncryptAsync(distributionId, ["one", "two"]);
        Assert.All(await receiver.DecryptAsync(sender.Address, warmUp), r => Assert.NotNull(r.Plaintext));
        var genuine = (await sender.EncryptAsync(distributionId, ["the genuine one"], skip: 3))[0];

        var tampered = new List<byte[]>();
        for (var i = 0; i < genuine.Length; i++)
        {
            var copy = (byte[])genuine.Clone();
            copy[i] ^= (byte)(1 << (i % 8));
            tampered.Add(copy);
        }
        var before = await receiver.RecordBytesAsync(sender.Address, distributionId);
        var results = await receiver.DecryptAsync(sender.Address, tampered);

        for (var i = 0; i < results.Count; i++)
        {
            Assert.True(results[i].Plaintext is null, $"byte {i} flipped was accepted");
        }

        // Everything after the version byte is covered by the signature; a flipped version bit is refused earlier or there.
        Assert.All(results.Skip(1), r => Assert.Contains(r.Failure, new GroupFailure?[] { GroupFailure.Signature, GroupFailure.Invalid, GroupFailure.NoState }));
        var iterationOffset = FieldValueOffset(genuine, 3);
        Assert.Equal(GroupFailure.Signature, results[iterationOffset].Failure);
        Assert.Equal(GroupFailure.Signature, results[genuine.Length - 1].Failure);
        Assert.Equal(GroupFailure.Signature, results[genuine.Length - SenderKeyMessage.SignatureLength - 2].Failure);
        Assert.Equal(before, await receiver.RecordBytesAsync(sender.Address, distributionId));
        Assert.Equal([GroupDecryptResult.Ok("the genuine one")], await receiver.DecryptAsync(sender.Address, [genuine]));
    }

    /// <summary>
    /// 25,000 iterations ahead is accepted, 25,001 is not (libsignal's MAX_FORWARD_JUMPS): the refusal
    /// changes nothing, and the same message is accepted once the chain has moved one step.
    /// </summary>
    public static async Task ForwardJumpBoundAsync(IGroupParty sender, IGroupParty receiver)
    {
        var distributionId = await DistributeAsync(sender, receiver);
        var first = (await sender.EncryptAsync(distributionId, ["iteration 0"]))[0];
        var far = (await sender.EncryptAsync(distributionId, ["iteration 25001"], skip: Limits.MaxForwardJumps))[0];
        Assert.Equal((uint)Limits.MaxForwardJumps + 1, SenderKeyMessage.Deserialize(far).Iteration);
        var before = await receiver.RecordBytesAsync(sender.Address, distributionId);

        var refused = await receiver.DecryptAsync(sender.Address, [far]);

        Assert.Equal(GroupFailure.TooFar, refused[0].Failure);
        Assert.Equal(before, await receiver.RecordBytesAsync(sender.Address, distributionId));
        Assert.Equal(
            [GroupDecryptResult.Ok("iteration 0"), GroupDecryptResult.Ok("iteration 25001")],
            await receiver.DecryptAsync(sender.Address, [first, far]));
    }

    /// <summary>
    /// Jumping over 2,001 messages keeps the newest 2,000 skipped keys (libsignal's MAX_MESSAGE_KEYS):
    /// the oldest held-back message is then refused as a duplicate, the others decrypt.
    /// </summary>
    public static async Task StoredKeyBoundAsync(IGroupParty sender, IGroupParty receiver)
    {
        var distributionId = await DistributeAsync(sender, receiver);
        var texts = Enumerable.Range(0, Limits.MaxMessageKeys + 2).Select(i => $"m{i}").ToList();
        var messages = await sender.EncryptAsync(distributionId, texts);

        Assert.Equal([GroupDecryptResult.Ok(texts[^1])], await receiver.DecryptAsync(sender.Address, [messages[^1]]));
        var record = SenderKeyRecord.Deserialize((await receiver.RecordBytesAsync(sender.Address, distributionId))!);
        Assert.Equal(1, record.StateCount);
        var before = await receiver.RecordBytesAsync(sender.Address, distributionId);
        Assert.Equal(GroupFailure.Duplicate, (await receiver.DecryptAsync(sender.Address, [messages[0]]))[0].Failure);
        Assert.Equal(before, await receiver.RecordBytesAsync(sender.Address, distributionId));

        int[] held = [1, 2000, 1000, 2];
        Assert.Equal(held.Select(i => GroupDecryptResult.Ok(texts[i])), await receiver.DecryptAsync(sender.Address, held.Select(i => messages[i]).ToList()));
        Assert.Equal(GroupFailure.Duplicate, (await receiver.DecryptAsync(sender.Address, [messages[1]]))[0].Failure);
    }

    /// <summary>Processing a distribution message again never rewinds the chain: used keys stay used.</summary>
    public static async Task ReprocessedDistributionAsync(IGroupParty sender, IGroupParty receiver)
    {
        var distributionId = Guid.NewGuid();
        var distribution = await sender.CreateDistributionAsync(distributionId);
        await receiver.ProcessDistributionAsync(sender.Address, distribution);
        var messages = await sender.EncryptAsync(distributionId, ["a", "b", "c", "d"]);
        Assert.All(await receiver.DecryptAsync(sender.Address, messages.Take(3).ToList()), r => Assert.NotNull(r.Plaintext));

        await receiver.ProcessDistributionAsync(sender.Address, distribution);

        var results = await receiver.DecryptAsync(sender.Address, messages);
        Assert.Equal([GroupFailure.Duplicate, GroupFailure.Duplicate, GroupFailure.Duplicate, null], results.Select(r => r.Failure));
        Assert.Equal("d", results[3].Plaintext);
    }

    /// <summary>
    /// The sender rotates five times (six chains). The receiver keeps the five newest: messages still
    /// in flight on those decrypt, the oldest chain's are refused for want of state. Newest first.
    /// </summary>
    public static async Task StateLimitAsync(IGroupParty sender, IGroupParty receiver)
    {
        var distributionId = Guid.NewGuid();
        var distribution = await sender.CreateDistributionAsync(distributionId);
        var chainIds = new List<uint>();
        var inFlight = new List<byte[]>();
        for (var chain = 0; chain <= Limits.MaxSenderKeyStates; chain++)
        {
            if (chain > 0)
            {
                distribution = await sender.RotateAsync(distributionId);
            }
            await receiver.ProcessDistributionAsync(sender.Address, distribution);
            chainIds.Add(SenderKeyDistributionMessage.Deserialize(distribution).ChainId);
            inFlight.Add((await sender.EncryptAsync(distributionId, [$"chain {chain}"]))[0]);
        }
        Assert.Equal(chainIds.Count, chainIds.Distinct().Count());

        var record = SenderKeyRecord.Deserialize((await receiver.RecordBytesAsync(sender.Address, distributionId))!);
        Assert.Equal(Limits.MaxSenderKeyStates, record.StateCount);
        Assert.Equal(chainIds.Skip(1).Reverse(), record.ChainIds);

        var results = await receiver.DecryptAsync(sender.Address, inFlight);
        Assert.Equal(GroupFailure.NoState, results[0].Failure);
        Assert.Equal(Enumerable.Range(1, Limits.MaxSenderKeyStates).Select(c => GroupDecryptResult.Ok($"chain {c}")), results.Skip(1));
    }

    /// <summary>Two distributions from one sender are independent records; a third, never distributed, has no state.</summary>
    public static async Task SeveralDistributionsAsync(IGroupParty sender, IGroupParty receiver)
    {
        var first = await DistributeAsync(sender, receiver);
        var second = await DistributeAsync(sender, receiver);
        var unknown = Guid.NewGuid();
        _ = await sender.CreateDistributionAsync(unknown);

        var a = await sender.EncryptAsync(first, ["first 0", "first 1", "first 2"]);
        var b = await sender.EncryptAsync(second, ["second 0", "second 1"]);
        var c = await sender.EncryptAsync(unknown, ["never distributed"]);
        Assert.All(new[] { a[0], b[0], c[0] }, m => Assert.Equal(0u, SenderKeyMessage.Deserialize(m).Iteration));

        var secondBefore = await receiver.RecordBytesAsync(sender.Address, second);
        Assert.Equal(["first 2", "first 0"], (await receiver.DecryptAsync(sender.Address, [a[2], a[0]])).Select(r => r.Plaintext));
        Assert.Equal(secondBefore, await receiver.RecordBytesAsync(sender.Address, second));
        Assert.Equal(["second 1", "first 1", "second 0"], (await receiver.DecryptAsync(sender.Address, [b[1], a[1], b[0]])).Select(r => r.Plaintext));

        Assert.Equal(GroupFailure.NoState, (await receiver.DecryptAsync(sender.Address, c))[0].Failure);
        Assert.Null(await receiver.RecordBytesAsync(sender.Address, unknown));
    }

    /// <summary>Every message refused with <paramref name="failure"/>, the record unchanged.</summary>
    public static async Task AssertAllRefusedAsync(IGroupParty receiver, IGroupParty sender, Guid distributionId, IReadOnlyList<byte[]> messages, GroupFailure failure)
    {
        var before = await receiver.RecordBytesAsync(sender.Address, distributionId);
        var results = await receiver.DecryptAsync(sender.Address, messages);
        Assert.All(results, r => Assert.Equal(failure, r.Failure));
        Assert.Equal(before, await receiver.RecordBytesAsync(sender.Address, distributionId));
    }

    /// <summary>Offset (in the wire message) of the varint value of protobuf field <paramref name="field"/>, for the fields before the ciphertext.</summary>
    private static int FieldValueOffset(byte[] message, int field)
    {
        var pos = 1;
        while (true)
        {
            var tag = message[pos++];
            if (tag >> 3 == field)
            {
                return pos;
            }
            if ((tag & 7) == 2)
            {
                pos += 1 + message[pos]; // short length-delimited fields (the 16-byte uuid)
            }
            else
            {
                while ((message[pos++] & 0x80) != 0)
                {
                }
            }
        }
    }
}
