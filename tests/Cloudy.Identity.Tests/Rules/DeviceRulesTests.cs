using System.Buffers.Text;
using Cloudy.Identity.Domain;

namespace Cloudy.Identity.Tests.Rules;

public sealed class DeviceRulesTests
{
    [Fact]
    public void NextFree_GapInIds_ReturnsLowestUnused()
    {
        Assert.Equal(2, DeviceSlots.NextFree([1, 3, 4], 6));
        Assert.Equal(1, DeviceSlots.NextFree([], 6));
        Assert.Equal(6, DeviceSlots.NextFree([1, 2, 3, 4, 5], 6));
    }

    [Fact]
    public void NextFree_AtDeviceCap_Null()
    {
        Assert.Null(DeviceSlots.NextFree([1, 2, 3, 4, 5, 7], 6));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("127", true)]
    [InlineData("0", false)]
    [InlineData("128", false)]
    [InlineData("-1", false)]
    [InlineData("+1", false)]
    [InlineData("abc", false)]
    [InlineData("1.0", false)]
    public void TryParse_PathSegment_AcceptsOnly1To127(string value, bool valid)
    {
        Assert.Equal(valid, DeviceSlots.TryParse(value, out _));
    }

    [Fact]
    public void TryParse_ValidKey_AcceptsAndVerifySignature_True()
    {
        using var device = new TestDevice();
        var message = new byte[] { 1, 2, 3 };

        Assert.True(DeviceKeys.TryParse(device.PublicKey, out var key));
        Assert.True(DeviceKeys.Verify(key, message, device.Sign(message)));
    }

    [Fact]
    public void Verify_TamperedMessageOrSignature_False()
    {
        using var device = new TestDevice();
        DeviceKeys.TryParse(device.PublicKey, out var key);
        var signature = device.Sign([1, 2, 3]);

        Assert.False(DeviceKeys.Verify(key, [1, 2, 4], signature));
        signature[0] ^= 1;
        Assert.False(DeviceKeys.Verify(key, [1, 2, 3], signature));
        Assert.False(DeviceKeys.Verify(key, [1, 2, 3], signature[..63]));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void TryParse_WrongKeyLength_False(int length)
    {
        Assert.False(DeviceKeys.TryParse(Base64Url.EncodeToString(new byte[length]), out _));
    }

    [Fact]
    public void LinkCode_New_RoundTripsThroughParse()
    {
        var account = RandomIds.NewAccountId();

        var (code, text) = LinkCode.New(account);
        var parsed = LinkCode.Parse(text);

        Assert.NotNull(parsed);
        Assert.Equal(account, parsed.AccountId);
        Assert.Equal(code.Digest, parsed.Digest);
        Assert.Equal(32, parsed.Secret.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw.")]
    [InlineData(".AAECAwQFBgcICQoLDA0ODwAAECAwQFBgcICQoLDA0ODw")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw.short")]
    public void LinkCode_Parse_Malformed_Null(string? text)
    {
        Assert.Null(LinkCode.Parse(text));
    }
}
