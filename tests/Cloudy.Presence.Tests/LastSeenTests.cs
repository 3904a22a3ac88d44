extern alias Service;

using Service::Cloudy.Presence.Domain;

namespace Cloudy.Presence.Tests;

/// <summary>Rounding of last seen (pure function; the end-to-end path is in ConnectionProjectionTests).</summary>
public sealed class LastSeenTests
{
    private static readonly TimeSpan _fiveMinutes = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(1_700_000_123_456L, 1_700_000_100_000L)]
    [InlineData(1_699_999_800_000L, 1_699_999_800_000L)]
    [InlineData(1_700_000_099_999L, 1_699_999_800_000L)]
    [InlineData(1_700_000_100_000L, 1_700_000_100_000L)]
    public void Round_FiveMinutes_FloorsToBucketStart(long input, long expected) =>
        Assert.Equal(expected, LastSeen.Round(input, _fiveMinutes));

    [Fact]
    public void Round_ZeroPrecision_KeepsMilliseconds() =>
        Assert.Equal(1_700_000_123_456L, LastSeen.Round(1_700_000_123_456L, TimeSpan.Zero));

    [Theory]
    [InlineData("nobody", true)]
    [InlineData("allowlist", true)]
    [InlineData("everyone", true)]
    [InlineData("Everyone", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("contacts", false)]
    public void VisibilityTryParse_ExactLowercaseNamesOnly(string? value, bool valid)
    {
        Assert.Equal(valid, VisibilityNames.TryParse(value, out var parsed));
        if (valid)
        {
            Assert.Equal(value, parsed.ToWire());
        }
    }
}
