using Cloudy.Protocol.Fingerprints;
using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.Tests;

public sealed class FingerprintTests
{
    // Published in libsignal (rust/protocol/src/fingerprint.rs and the Java
    // NumericFingerprintGeneratorTest): two identities, their phone numbers, 5200 iterations.
    private static readonly byte[] s_aliceKey = Convert.FromHexString("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868");
    private static readonly byte[] s_bobKey = Convert.FromHexString("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b");
    private static readonly byte[] s_aliceId = System.Text.Encoding.UTF8.GetBytes("+14152222222");
    private static readonly byte[] s_bobId = System.Text.Encoding.UTF8.GetBytes("+14153333333");
    private const string Display = "300354477692869396892869876765458257569162576843440918079131";
    private const string AliceScannableV1 = "080112220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d";
    private const string BobScannableV1 = "080112220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df";
    private const string AliceScannableV2 = "080212220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d";
    private const string BobScannableV2 = "080212220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df";

    private static readonly NumericFingerprintGenerator s_generator = new();

    [Theory]
    [InlineData(1u, AliceScannableV1, BobScannableV1)]
    [InlineData(2u, AliceScannableV2, BobScannableV2)]
    public void CreateFor_LibsignalPublishedVectors_MatchDigitsAndScannableBytes(uint version, string aliceScannable, string bobScannable)
    {
        var alice = s_generator.CreateFor(version, s_aliceId, s_aliceKey, s_bobId, s_bobKey);
        var bob = s_generator.CreateFor(version, s_bobId, s_bobKey, s_aliceId, s_aliceKey);

        Assert.Equal(Display, alice.Displayable.Value);
        Assert.Equal(Display, bob.Displayable.Value);
        Assert.Equal(aliceScannable, Convert.ToHexStringLower(alice.Scannable.Serialize()));
        Assert.Equal(bobScannable, Convert.ToHexStringLower(bob.Scannable.Serialize()));
    }

    [Fact]
    public void Compare_EachSideScansTheOther_ReturnsTrue()
    {
        var alice = s_generator.CreateFor(2, s_aliceId, s_aliceKey, s_bobId, s_bobKey);
        var bob = s_generator.CreateFor(2, s_bobId, s_bobKey, s_aliceId, s_aliceKey);

        Assert.True(alice.Scannable.Compare(bob.Scannable.Serialize()));
        Assert.True(bob.Scannable.Compare(alice.Scannable));
    }

    [Fact]
    public void Compare_OwnEncoding_ReturnsFalse()
    {
        var alice = s_generator.CreateFor(2, s_aliceId, s_aliceKey, s_bobId, s_bobKey);

        Assert.False(alice.Scannable.Compare(alice.Scannable.Serialize()));
    }

    [Fact]
    public void Compare_MitmKeyOnOneSide_ReturnsFalseAndDigitsDiffer()
    {
        var mallory = (byte[])s_bobKey.Clone();
        mallory[^1] ^= 0x01;
        var alice = s_generator.CreateFor(2, s_aliceId, s_aliceKey, s_bobId, mallory);
        var bob = s_generator.CreateFor(2, s_bobId, s_bobKey, s_aliceId, s_aliceKey);

        Assert.False(alice.Scannable.Compare(bob.Scannable.Serialize()));
        Assert.NotEqual(alice.Displayable.Value, bob.Displayable.Value);
    }

    [Fact]
    public void Compare_OtherVersion_ThrowsVersionMismatch()
    {
        var alice = s_generator.CreateFor(2, s_aliceId, s_aliceKey, s_bobId, s_bobKey);

        var e = Assert.Throws<FingerprintVersionMismatchException>(() => alice.Scannable.Compare(Convert.FromHexString(BobScannableV1)));
        Assert.Equal(1u, e.Theirs);
        Assert.Equal(2u, e.Ours);
    }

    [Fact]
    public void Compare_EncodingWithoutVersion_TreatsVersionAsZero()
    {
        var alice = s_generator.CreateFor(2, s_aliceId, s_aliceKey, s_bobId, s_bobKey);
        var withoutVersion = Convert.FromHexString(BobScannableV2)[2..];

        var e = Assert.Throws<FingerprintVersionMismatchException>(() => alice.Scannable.Compare(withoutVersion));
        Assert.Equal(0u, e.Theirs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0802")]
    [InlineData("080212220a20")]
    [InlineData("0802122200")]
    [InlineData("08021a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df")]
    public void Deserialize_TruncatedOrIncomplete_ThrowsParsing(string hex)
    {
        Assert.Throws<FingerprintParsingException>(() => ScannableFingerprint.Deserialize(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Deserialize_LibsignalEncoding_RoundTripsFields()
    {
        var decoded = ScannableFingerprint.Deserialize(Convert.FromHexString(AliceScannableV2));

        Assert.Equal(2u, decoded.Version);
        Assert.Equal("1e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df", Convert.ToHexStringLower(decoded.LocalFingerprint.Span));
        Assert.Equal(AliceScannableV2, Convert.ToHexStringLower(decoded.Serialize()));
    }

    [Fact]
    public void Deserialize_UnknownFieldsPresent_AreSkipped()
    {
        // field 4 (varint 7) and field 5 (bytes "x") appended: protobuf readers must skip them.
        var encoded = Convert.FromHexString(AliceScannableV2 + "2007" + "2a0178");

        var decoded = ScannableFingerprint.Deserialize(encoded);

        Assert.Equal(AliceScannableV2, Convert.ToHexStringLower(decoded.Serialize()));
    }

    [Fact]
    public void CreateFor_AnyIdentities_DisplaysSixtyDigitsInTwelveGroups()
    {
        var alice = s_generator.CreateFor(2, s_aliceId, s_aliceKey, s_bobId, s_bobKey);

        Assert.Matches("^[0-9]{60}$", alice.Displayable.Value);
        Assert.Equal("30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131", alice.Displayable.ToGroupedString());
    }

    [Fact]
    public void CreateFor_IdentityKeyOverload_EqualsSerializedKeyForm()
    {
        var viaKeys = s_generator.CreateFor(2, s_aliceId, IdentityKey.Deserialize(s_aliceKey), s_bobId, IdentityKey.Deserialize(s_bobKey));

        Assert.Equal(Display, viaKeys.Displayable.Value);
        Assert.Equal(AliceScannableV2, Convert.ToHexStringLower(viaKeys.Scannable.Serialize()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_000_001)]
    public void Constructor_IterationsOutOfRange_Throws(int iterations)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumericFingerprintGenerator(iterations));
    }

    [Fact]
    public void CreateFor_KeyWithoutTypeByte_ThrowsArgument()
    {
        Assert.Throws<ArgumentException>(() => s_generator.CreateFor(2, s_aliceId, s_aliceKey[1..], s_bobId, s_bobKey));
    }

    [Fact]
    public void CreateFor_DifferentStableId_ChangesOnlyThatHalf()
    {
        var original = s_generator.CreateFor(2, s_aliceId, s_aliceKey, s_bobId, s_bobKey);
        var renamed = s_generator.CreateFor(2, s_aliceId, s_aliceKey, System.Text.Encoding.UTF8.GetBytes("+14154444444"), s_bobKey);

        Assert.Equal(original.Displayable.Local, renamed.Displayable.Local);
        Assert.NotEqual(original.Displayable.Remote, renamed.Displayable.Remote);
    }
}
