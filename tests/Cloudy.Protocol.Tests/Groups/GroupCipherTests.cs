using System.Security.Cryptography;
using System.Text;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Tests.Groups;

/// <summary>Sender keys between Cloudy devices: the shared scenarios, the typed errors, and the wire layout.</summary>
public sealed class GroupCipherTests
{
    private static int _counter;

    [Fact]
    public Task EncryptDecrypt_ThousandMessagesInOrder_AllDecrypt() => GroupScenarios.InOrderAsync(Party(), Party(), 1000);

    [Fact]
    public Task Decrypt_OutOfOrderAndHeldBack_EachDecryptsOnceThenDuplicate() => GroupScenarios.OutOfOrderAsync(Party(), Party());

    [Fact]
    public Task Decrypt_OneBitFlippedInEveryByte_RefusedAndRecordUnchanged() => GroupScenarios.TamperEveryByteAsync(Party(), Party());

    [Fact]
    public Task Decrypt_ForwardJumpOf25001_RefusedThen25000Accepted() => GroupScenarios.ForwardJumpBoundAsync(Party(), Party());

    [Fact]
    public Task Decrypt_JumpOver2001_KeepsNewest2000SkippedKeys() => GroupScenarios.StoredKeyBoundAsync(Party(), Party());

    [Fact]
    public Task ProcessDistribution_SameMessageAgain_DoesNotRewindChain() => GroupScenarios.ReprocessedDistributionAsync(Party(), Party());

    [Fact]
    public Task ProcessDistribution_SixChains_KeepsFiveNewest() => GroupScenarios.StateLimitAsync(Party(), Party());

    [Fact]
    public Task Decrypt_SeveralDistributionIds_IndependentRecords() => GroupScenarios.SeveralDistributionsAsync(Party(), Party());

    [Fact]
    public async Task Encrypt_NoDistributionCreated_ThrowsNoSenderKeyState()
    {
        var alice = Party();
        var distributionId = Guid.NewGuid();

        var e = await Assert.ThrowsAsync<NoSenderKeyStateException>(() => alice.Cipher.EncryptAsync(alice.Address, distributionId, "x"u8.ToArray()));

        Assert.Equal(distributionId, e.DistributionId);
    }

    [Fact]
    public async Task Decrypt_NoDistributionProcessed_ThrowsNoSenderKeyStateAndStoresNothing()
    {
        var (alice, bob) = (Party(), Party());
        var distributionId = Guid.NewGuid();
        _ = await alice.CreateDistributionAsync(distributionId);
        var message = (await alice.EncryptAsync(distributionId, ["hello"]))[0];

        var e = await Assert.ThrowsAsync<NoSenderKeyStateException>(() => bob.Cipher.DecryptAsync(alice.Address, message));

        Assert.Equal(distributionId, e.DistributionId);
        Assert.Null(await bob.RecordBytesAsync(alice.Address, distributionId));
    }

    [Fact]
    public async Task Decrypt_SameDistributionFromAnotherSender_ThrowsNoSenderKeyState()
    {
        // Records are per sender: Carol cannot speak on Alice's chain, even with Alice's distribution id.
        var (alice, bob, carol) = (Party(), Party(), Party());
        var distributionId = await GroupScenarios.DistributeAsync(alice, bob);
        var message = (await alice.EncryptAsync(distributionId, ["from alice"]))[0];

        await Assert.ThrowsAsync<NoSenderKeyStateException>(() => bob.Cipher.DecryptAsync(carol.Address, message));
        Assert.Equal("from alice", Encoding.UTF8.GetString(await bob.Cipher.DecryptAsync(alice.Address, message)));
    }

    [Fact]
    public async Task Decrypt_TypedExceptions_SignatureDuplicateFutureEachCarryTheirDetails()
    {
        var (alice, bob) = (Party(), Party());
        var distributionId = await GroupScenarios.DistributeAsync(alice, bob);
        var first = (await alice.EncryptAsync(distributionId, ["first"]))[0];
        var far = (await alice.EncryptAsync(distributionId, ["far"], skip: Limits.MaxForwardJumps + 5))[0];
        var forged = (byte[])first.Clone();
        forged[^10] ^= 0x01;

        await Assert.ThrowsAsync<InvalidSignatureException>(() => bob.Cipher.DecryptAsync(alice.Address, forged));
        var tooFar = await Assert.ThrowsAsync<MessageTooFarInFutureException>(() => bob.Cipher.DecryptAsync(alice.Address, far));
        Assert.Equal((0u, (uint)Limits.MaxForwardJumps + 6), (tooFar.CurrentIteration, tooFar.MessageIteration));
        Assert.Equal("first", Encoding.UTF8.GetString(await bob.Cipher.DecryptAsync(alice.Address, first)));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.Cipher.DecryptAsync(alice.Address, first));
    }

    [Fact]
    public async Task Decrypt_SignedByTheSenderButBadPadding_InvalidMessageAndChainNotAdvanced()
    {
        // Past the signature check the chain is walked forward 5 steps on a copy; the padding check
        // fails, so none of it may be stored: the skipped messages and the real one still decrypt.
        var (alice, bob) = (Party(), Party());
        var distributionId = await GroupScenarios.DistributeAsync(alice, bob);
        var badPadding = await alice.CraftSignedAsync(distributionId, 5, BadPaddingCiphertext);
        var genuine = await alice.EncryptAsync(distributionId, ["m0", "m1", "m2", "m3", "m4", "m5"]);
        var before = await bob.RecordBytesAsync(alice.Address, distributionId);

        var e = await Assert.ThrowsAsync<InvalidMessageException>(() => bob.Cipher.DecryptAsync(alice.Address, badPadding));

        Assert.Contains("padding", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await bob.RecordBytesAsync(alice.Address, distributionId));
        Assert.Equal(["m5", "m0", "m4"], (await bob.DecryptAsync(alice.Address, [genuine[5], genuine[0], genuine[4]])).Select(r => r.Plaintext));
    }

    [Fact]
    public async Task Encrypt_NewestChainNotOurs_ThrowsInvalidSenderKeySession()
    {
        // A distribution processed under our own address gives a state without the private signing key.
        var (alice, bob) = (Party(), Party());
        var distributionId = Guid.NewGuid();
        await bob.Cipher.ProcessDistributionMessageAsync(bob.Address, await alice.Cipher.CreateDistributionMessageAsync(alice.Address, distributionId));

        await Assert.ThrowsAsync<InvalidSenderKeySessionException>(() => bob.Cipher.EncryptAsync(bob.Address, distributionId, "x"u8.ToArray()));
    }

    [Fact]
    public async Task EncryptDecrypt_ChainAtLastIteration_LastMessageWorksThenExhausted()
    {
        var (alice, bob) = (Party(), Party());
        var distributionId = Guid.NewGuid();
        var signing = ECKeyPair.Generate();
        var record = new SenderKeyRecord();
        record.AddState(3, 77, uint.MaxValue - 1, RandomNumberGenerator.GetBytes(32), signing.PublicKey, signing.PrivateKey);
        await alice.Store.StoreSenderKeyAsync(alice.Address, distributionId, record);
        var distribution = await alice.CreateDistributionAsync(distributionId);
        Assert.Equal(uint.MaxValue - 1, SenderKeyDistributionMessage.Deserialize(distribution).Iteration);
        await bob.ProcessDistributionAsync(alice.Address, distribution);

        var last = (await alice.EncryptAsync(distributionId, ["last"]))[0];
        await Assert.ThrowsAsync<InvalidSenderKeySessionException>(() => alice.Cipher.EncryptAsync(alice.Address, distributionId, "x"u8.ToArray()));
        var beyond = SenderKeyMessage.Create(3, distributionId, 77, uint.MaxValue, new byte[16], signing.PrivateKey).Serialize();

        Assert.Equal("last", Encoding.UTF8.GetString(await bob.Cipher.DecryptAsync(alice.Address, last)));
        await Assert.ThrowsAsync<InvalidSenderKeySessionException>(() => bob.Cipher.DecryptAsync(alice.Address, beyond));
    }

    [Fact]
    public async Task ProcessDistribution_SameChainIdOtherSigningKey_ReplacesTheChain()
    {
        // libsignal keeps one state per chain id: a different key under the same id replaces it.
        var (alice, bob) = (Party(), Party());
        var distributionId = await GroupScenarios.DistributeAsync(alice, bob);
        var message = (await alice.EncryptAsync(distributionId, ["signed by the old key"]))[0];
        var chainId = SenderKeyMessage.Deserialize(message).ChainId;
        var impostor = SenderKeyDistributionMessage.Create(3, distributionId, chainId, 0, RandomNumberGenerator.GetBytes(32), ECKeyPair.Generate().PublicKey);

        await bob.Cipher.ProcessDistributionMessageAsync(alice.Address, impostor);

        var record = SenderKeyRecord.Deserialize((await bob.RecordBytesAsync(alice.Address, distributionId))!);
        Assert.Equal([chainId], record.ChainIds);
        await Assert.ThrowsAsync<InvalidSignatureException>(() => bob.Cipher.DecryptAsync(alice.Address, message));
    }

    [Fact]
    public async Task CreateDistribution_Twice_SameChainAtCurrentIteration()
    {
        var alice = Party();
        var distributionId = Guid.NewGuid();
        var first = SenderKeyDistributionMessage.Deserialize(await alice.CreateDistributionAsync(distributionId));
        _ = await alice.EncryptAsync(distributionId, ["a", "b", "c"]);

        var second = SenderKeyDistributionMessage.Deserialize(await alice.CreateDistributionAsync(distributionId));

        Assert.Equal(first.ChainId, second.ChainId);
        Assert.Equal(first.SigningKey, second.SigningKey);
        Assert.Equal((0u, 3u), (first.Iteration, second.Iteration));
        Assert.True(first.ChainId < 0x8000_0000u, "chain ids are 31-bit, as libsignal draws them");
    }

    [Fact]
    public async Task Rotate_NewChainAndSigningKey_NewMemberCannotReadOldChain()
    {
        var (alice, bob, carol) = (Party(), Party(), Party());
        var distributionId = await GroupScenarios.DistributeAsync(alice, bob);
        var before = (await alice.EncryptAsync(distributionId, ["before rotation"]))[0];

        var rotated = SenderKeyDistributionMessage.Deserialize(await alice.RotateAsync(distributionId));
        await carol.ProcessDistributionAsync(alice.Address, rotated.Serialize());
        var after = (await alice.EncryptAsync(distributionId, ["after rotation"]))[0];

        Assert.NotEqual(SenderKeyMessage.Deserialize(before).ChainId, rotated.ChainId);
        Assert.Equal(rotated.ChainId, SenderKeyMessage.Deserialize(after).ChainId);
        Assert.Equal(0u, SenderKeyMessage.Deserialize(after).Iteration);
        await Assert.ThrowsAsync<NoSenderKeyStateException>(() => carol.Cipher.DecryptAsync(alice.Address, before));
        Assert.Equal("after rotation", Encoding.UTF8.GetString(await carol.Cipher.DecryptAsync(alice.Address, after)));
        await Assert.ThrowsAsync<NoSenderKeyStateException>(() => bob.Cipher.DecryptAsync(alice.Address, after));
        Assert.Equal("before rotation", Encoding.UTF8.GetString(await bob.Cipher.DecryptAsync(alice.Address, before)));
    }

    [Fact]
    public async Task Serialize_DistributionMessage_LibsignalLayoutWithBigEndianUuid()
    {
        var alice = Party();
        var distributionId = Guid.Parse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff");

        var bytes = await alice.CreateDistributionAsync(distributionId);
        var parsed = SenderKeyDistributionMessage.Deserialize(bytes);

        // 0x33, field 1 (16 bytes, RFC 4122 order), field 2 varint, field 3 = 0 written explicitly (proto2 optional).
        Assert.Equal("330A100F1E2D3C4B5A49788695A4B3C2D1E0FF10", Convert.ToHexString(bytes, 0, 20));
        var afterChainId = 20 + VarintLength(parsed.ChainId);
        Assert.Equal("1800", Convert.ToHexString(bytes, afterChainId, 2));
        Assert.Equal("2220", Convert.ToHexString(bytes, afterChainId + 2, 2));
        Assert.Equal("2A2105", Convert.ToHexString(bytes, afterChainId + 4 + 32, 3));
        Assert.Equal(bytes.Length, afterChainId + 4 + 32 + 2 + 33);
        Assert.Equal(distributionId, parsed.DistributionId);
    }

    [Theory]
    [InlineData(0x23, typeof(InvalidVersionException))]
    [InlineData(0x43, typeof(InvalidVersionException))]
    [InlineData(0x33, typeof(InvalidMessageException))]
    public void Deserialize_WrongVersionOrEmptyBody_ThrowsTyped(byte versionByte, Type expected)
    {
        var bytes = new byte[1 + SenderKeyMessage.SignatureLength + 2];
        bytes[0] = versionByte;

        Assert.IsType(expected, Record.Exception(() => SenderKeyMessage.Deserialize(bytes)));
        Assert.IsType(expected, Record.Exception(() => SenderKeyDistributionMessage.Deserialize(bytes)));
    }

    [Fact]
    public void Deserialize_TooShort_ThrowsInvalidMessage()
    {
        Assert.Throws<InvalidMessageException>(() => SenderKeyMessage.Deserialize(new byte[SenderKeyMessage.SignatureLength]));
        Assert.Throws<InvalidMessageException>(() => SenderKeyDistributionMessage.Deserialize(new byte[64]));
    }

    [Fact]
    public async Task SenderKeyRecord_SerializeDeserialize_ByteIdenticalWithPrivateKeyAndSkippedKeys()
    {
        var (alice, bob) = (Party(), Party());
        var distributionId = await GroupScenarios.DistributeAsync(alice, bob);
        var messages = await alice.EncryptAsync(distributionId, ["0", "1", "2", "3"]);
        _ = await bob.DecryptAsync(alice.Address, [messages[3]]);

        foreach (var (owner, party) in new[] { (alice.Address, alice), (alice.Address, bob) })
        {
            var bytes = (await party.RecordBytesAsync(owner, distributionId))!;
            Assert.Equal(bytes, SenderKeyRecord.Deserialize(bytes).Serialize());
        }
        var received = SenderKeyRecord.Deserialize((await bob.RecordBytesAsync(alice.Address, distributionId))!);
        Assert.Equal([0u, 1u, 2u], received.Current!.MessageKeys.Select(k => k.Iteration));
        Assert.Null(received.Current.SigningPrivateKey);
        Assert.NotNull(SenderKeyRecord.Deserialize((await alice.RecordBytesAsync(alice.Address, distributionId))!).Current!.SigningPrivateKey);
    }

    /// <summary>One 16-byte block that decrypts, under the message's real key, to a block ending in 0x00: never valid PKCS#7.</summary>
    internal static byte[] BadPaddingCiphertext(SenderMessageKey key)
    {
        using var aes = Aes.Create();
        aes.Key = key.CipherKey;
        return aes.EncryptCbc(new byte[16], key.Iv, PaddingMode.None);
    }

    private static int VarintLength(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    private static CloudyGroupParty Party() => new($"member-{Interlocked.Increment(ref _counter)}");
}
