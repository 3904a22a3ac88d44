namespace Cloudy.Store.Tests;

public sealed class KeySpaceTests
{
    [Fact]
    public void Account_WithParts_PutsAccountIdInHashTag()
    {
        Assert.Equal("kd:{a1B_-}:otk:7", KeySpace.KeyDirectory.Account("a1B_-", "otk", "7"));
        Assert.Equal("dl:{acct}", KeySpace.Delivery.Account("acct"));
    }

    [Fact]
    public void Key_WithParts_JoinsUnderPrefix()
    {
        Assert.Equal("id:link:abc", KeySpace.Identity.Key("link", "abc"));
        Assert.Throws<ArgumentException>(() => KeySpace.Identity.Key());
    }

    [Fact]
    public void AccountPattern_ForAccount_IsHashTagRootWithWildcard()
    {
        Assert.Equal("pr:{acct}*", KeySpace.Presence.AccountPattern("acct"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a{b")]
    [InlineData("a}b")]
    [InlineData("a*")]
    [InlineData("a?")]
    [InlineData("a[b]")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("a\\b")]
    public void Account_IdWithKeyOrGlobSyntax_Throws(string accountId)
    {
        Assert.Throws<ArgumentException>(() => KeySpace.KeyDirectory.Account(accountId, "x"));
        Assert.Throws<ArgumentException>(() => KeySpace.KeyDirectory.AccountPattern(accountId));
    }

    [Fact]
    public void IsValidAccountId_TooLong_False()
    {
        Assert.True(KeySpace.IsValidAccountId(new string('a', 128)));
        Assert.False(KeySpace.IsValidAccountId(new string('a', 129)));
        Assert.False(KeySpace.IsValidAccountId(null));
    }

    [Fact]
    public void All_Prefixes_AreDistinctColonTerminatedAndNotPrefixesOfEachOther()
    {
        var prefixes = KeySpace.All.Select(k => k.Prefix).ToList();

        Assert.Equal(["id:", "kd:", "dl:", "pr:", "bus:"], prefixes);
        Assert.All(prefixes, p => Assert.EndsWith(":", p, StringComparison.Ordinal));
        Assert.All(prefixes, p => Assert.Single(prefixes, q => q.StartsWith(p, StringComparison.Ordinal)));
    }
}
