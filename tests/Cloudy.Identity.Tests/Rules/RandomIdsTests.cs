using Cloudy.Identity.Domain;

namespace Cloudy.Identity.Tests.Rules;

public sealed class RandomIdsTests
{
    [Fact]
    public void NewAccountId_Drawn_Is22CharCanonicalBase64UrlOf128Bits()
    {
        var id = RandomIds.NewAccountId();

        Assert.Equal(22, id.Length);
        Assert.True(RandomIds.TryDecode(id, 16, out var bytes));
        Assert.Equal(16, bytes.Length);
    }

    [Fact]
    public void NewHandle_Drawn_CarriesAtLeast128BitsAndIsUrlSafe()
    {
        var handle = RandomIds.NewHandle();

        Assert.True(RandomIds.HandleBytes * 8 >= 128);
        Assert.Equal(24, handle.Length);
        Assert.All(handle, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    [Fact]
    public void New_ManyDraws_AreDistinct()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => RandomIds.NewAccountId()).ToHashSet();

        Assert.Equal(2000, ids.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA")]      // 21 chars
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA")]    // 23 chars
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]   // padded
    [InlineData("AAAAAAAAAAAAAAAAAAAA+/")]     // standard, not URL-safe, alphabet
    [InlineData("AAAAAAAAAAAAAAAAAAAAAB")]     // non-canonical: trailing bits set
    [InlineData("AAAAAAAAAAAAAAAAAAAA{}")]     // would escape a hash tag
    public void IsValid_NotCanonicalAccountId_False(string? value)
    {
        Assert.False(RandomIds.IsValid(value, RandomIds.AccountIdBytes));
    }

    [Fact]
    public void Digest_SameSecret_SameDigestDifferentSecret_Different()
    {
        var a = RandomIds.Digest([1, 2, 3]);

        Assert.Equal(a, RandomIds.Digest([1, 2, 3]));
        Assert.NotEqual(a, RandomIds.Digest([1, 2, 4]));
        Assert.Equal(43, a.Length);
    }
}
