using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Recovery;

namespace Cloudy.Protocol.Tests;

public sealed class RecoveryKeyTests
{
    private const string ZeroMnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art";

    // BIP-39 reference vectors (trezor/python-mnemonic vectors.json, English), entropy → mnemonic.
    public static TheoryData<string, string> Bip39Vectors => new()
    {
        { "00000000000000000000000000000000", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about" },
        { "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f", "legal winner thank year wave sausage worth useful legal winner thank yellow" },
        { "808080808080808080808080808080808080808080808080", "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter always" },
        { "0000000000000000000000000000000000000000000000000000000000000000", ZeroMnemonic },
        { "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f", "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title" },
        { "8080808080808080808080808080808080808080808080808080808080808080", "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless" },
        { "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote" },
        { "68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c", "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length" },
        { "9f6a2878b2520799a44ef18bc7df394e7061a224d2c33cd015b157d746869863", "panda eyebrow bullet gorilla call smoke muffin taste mesh discover soft ostrich alcohol speed nation flash devote level hobby quick inner drive ghost inside" },
        { "066dca1a2bb7e8a1db2832148ce9933eea0f3ac9548d793112d9a95c9407efad", "all hour make first leader extend hole alien behind guard gospel lava path output census museum junior mass reopen famous sing advance salt reform" },
        { "f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f", "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold" },
    };

    [Theory]
    [MemberData(nameof(Bip39Vectors))]
    public void Encode_Bip39ReferenceVector_ReturnsPublishedMnemonic(string entropy, string mnemonic)
    {
        Assert.Equal(mnemonic, string.Join(' ', Bip39Mnemonic.Encode(Convert.FromHexString(entropy))));
    }

    [Theory]
    [MemberData(nameof(Bip39Vectors))]
    public void Decode_Bip39ReferenceVector_ReturnsEntropy(string entropy, string mnemonic)
    {
        Assert.Equal(entropy, Convert.ToHexStringLower(Bip39Mnemonic.Decode(mnemonic.Split(' '))));
    }

    [Fact]
    public void Wordlist_EmbeddedResource_MatchesPublishedSha256()
    {
        Assert.Equal(Bip39Wordlist.ExpectedSha256, Bip39Wordlist.ComputeResourceSha256());
        Assert.Equal(2048, Bip39Wordlist.Words.Count);
        Assert.Equal("abandon", Bip39Wordlist.Words[0]);
        Assert.Equal("zoo", Bip39Wordlist.Words[^1]);
    }

    [Fact]
    public void Generate_ThenParseWords_RestoresSameSecret()
    {
        using var original = RecoveryKey.Generate();
        var words = original.ToWords();

        using var restored = RecoveryKey.Parse(string.Join(' ', words));

        Assert.Equal(RecoveryKey.WordCount, words.Length);
        Assert.Equal(Entropy(original), Entropy(restored));
    }

    [Fact]
    public void Generate_TwoKeys_AreDifferent()
    {
        using var a = RecoveryKey.Generate();
        using var b = RecoveryKey.Generate();

        Assert.NotEqual(Entropy(a), Entropy(b));
    }

    [Fact]
    public void Parse_MixedCaseAndExtraWhitespace_IsAccepted()
    {
        var messy = "  " + ZeroMnemonic.ToUpperInvariant().Replace(" ", " \t\n ", StringComparison.Ordinal) + "\n";

        using var key = RecoveryKey.Parse(messy);

        Assert.Equal(new byte[32], Entropy(key));
    }

    [Fact]
    public void Parse_LastWordChanged_ThrowsChecksum()
    {
        // "art" carries checksum 0x66 = SHA-256(32 zero bytes)[0]; "abandon" would need checksum 0.
        var wrong = ZeroMnemonic[..^"art".Length] + "abandon";

        var e = Assert.Throws<RecoveryKeyFormatException>(() => RecoveryKey.Parse(wrong));

        Assert.Equal(RecoveryKeyError.Checksum, e.Error);
    }

    [Fact]
    public void Parse_TwoWordsSwapped_ThrowsChecksum()
    {
        var words = Bip39Vectors.Select(row => (string)row[1]).Last().Split(' ');
        (words[0], words[1]) = (words[1], words[0]);

        var e = Assert.Throws<RecoveryKeyFormatException>(() => RecoveryKey.Parse(string.Join(' ', words)));

        Assert.Equal(RecoveryKeyError.Checksum, e.Error);
    }

    [Fact]
    public void Parse_UnknownWord_ThrowsWithPositionButNotTheWords()
    {
        var words = ZeroMnemonic.Split(' ');
        words[4] = "abandonn";

        var e = Assert.Throws<RecoveryKeyFormatException>(() => RecoveryKey.Parse(string.Join(' ', words)));

        Assert.Equal(RecoveryKeyError.UnknownWord, e.Error);
        Assert.Equal(5, e.WordPosition);
        Assert.DoesNotContain("abandon", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(23)]
    [InlineData(25)]
    [InlineData(0)]
    public void Parse_WrongWordCount_ThrowsWordCount(int count)
    {
        var text = string.Join(' ', Enumerable.Repeat("abandon", count));

        var e = Assert.Throws<RecoveryKeyFormatException>(() => RecoveryKey.Parse(text));

        Assert.Equal(RecoveryKeyError.WordCount, e.Error);
    }

    [Fact]
    public void Parse_ValidTwelveWordBip39Mnemonic_ThrowsWordCount()
    {
        // A valid BIP-39 mnemonic, but only 128 bits: never accepted as a recovery key.
        var e = Assert.Throws<RecoveryKeyFormatException>(() => RecoveryKey.Parse("legal winner thank year wave sausage worth useful legal winner thank yellow"));

        Assert.Equal(RecoveryKeyError.WordCount, e.Error);
    }

    [Fact]
    public void DeriveIdentityPrivateKey_KnownSecret_MatchesIndependentHkdfComputation()
    {
        // Expected values computed outside .NET (Python hmac/hashlib HKDF + pyca/cryptography X25519)
        // for secret 00 01 .. 1f: the derivation must never change or users lose their identity.
        using var key = RecoveryKey.FromEntropy(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var privateKey = new byte[32];

        key.DeriveIdentityPrivateKey(privateKey);

        Assert.Equal("70c93c2ad727592b1913edf425c51077fff74aeb87da47f44162b881f13b0141", Convert.ToHexStringLower(privateKey));
        Assert.Equal("8d9cb810170a5531782ac047e7a5cfb926a4f8d4a5c2cbf6c4073957bb16355f", Convert.ToHexStringLower(X25519.PublicFromPrivate(privateKey)));
    }

    [Fact]
    public void DeriveIdentityPrivateKey_WordsTypedOnAnotherDevice_YieldSameKey()
    {
        using var original = RecoveryKey.Generate();
        using var restored = RecoveryKey.Parse(original.ToMnemonic());
        var a = new byte[32];
        var b = new byte[32];

        original.DeriveIdentityPrivateKey(a);
        restored.DeriveIdentityPrivateKey(b);

        Assert.Equal(a, b);
        Assert.NotEqual(Entropy(original), a);
        Assert.Equal(0, a[0] & 7);
        Assert.Equal(0x40, a[31] & 0xC0);
    }

    [Fact]
    public void DeriveIdentityKeyPair_RestoredWords_SignaturesVerifyUnderOriginalPublicKey()
    {
        using var original = RecoveryKey.Generate();
        var identity = original.DeriveIdentityKeyPair();
        using var restored = RecoveryKey.Parse(original.ToMnemonic());

        var restoredIdentity = restored.DeriveIdentityKeyPair();
        var signature = restoredIdentity.Sign("prekey"u8);

        Assert.Equal(identity.IdentityKey, restoredIdentity.IdentityKey);
        Assert.True(identity.PublicKey.VerifySignature("prekey"u8, signature));
        Assert.Equal(identity.Serialize(), IdentityKeyPair.Deserialize(restoredIdentity.Serialize()).Serialize());
    }

    [Fact]
    public void ToString_Always_DoesNotRevealWords()
    {
        using var key = RecoveryKey.Generate();

        Assert.DoesNotContain(key.ToWords()[0], key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var key = RecoveryKey.Generate();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.ToWords());
        Assert.Throws<ObjectDisposedException>(() => key.DeriveIdentityPrivateKey(new byte[32]));
    }

    [Fact]
    public void FromEntropy_WrongLength_ThrowsArgument()
    {
        Assert.Throws<ArgumentException>(() => RecoveryKey.FromEntropy(new byte[16]));
    }

    private static byte[] Entropy(RecoveryKey key)
    {
        var bytes = new byte[RecoveryKey.EntropyLength];
        key.CopyEntropyTo(bytes);
        return bytes;
    }
}
