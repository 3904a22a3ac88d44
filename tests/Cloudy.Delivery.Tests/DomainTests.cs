extern alias Service;

using Service::Cloudy.Delivery.Domain;

namespace Cloudy.Delivery.Tests;

/// <summary>Rules without I/O: device-set comparison and envelope ids.</summary>
public sealed class DomainTests
{
    [Fact]
    public void Compare_ExactSet_Matches()
    {
        var check = DeviceSetCheck.Compare([1, 2], [1, 2], [], null);

        Assert.True(check.Matches);
    }

    [Fact]
    public void Compare_MissingAndUnknown_Reports409Lists()
    {
        var check = DeviceSetCheck.Compare([1, 5], [1, 2, 3], [], null);

        Assert.Equal(new[] { 2, 3 }, check.Missing);
        Assert.Equal(new[] { 5 }, check.Extra);
        Assert.Empty(check.Stale);
    }

    [Fact]
    public void Compare_OnlyRemovedDevicesWrong_ReportsStale()
    {
        var check = DeviceSetCheck.Compare([1, 2], [1], [2], null);

        Assert.Empty(check.Missing);
        Assert.Empty(check.Extra);
        Assert.Equal(new[] { 2 }, check.Stale);
    }

    [Fact]
    public void Compare_RemovedPlusMissing_ReportsRemovedAsExtraIn409()
    {
        var check = DeviceSetCheck.Compare([1, 2], [1, 3], [2], null);

        Assert.Equal(new[] { 3 }, check.Missing);
        Assert.Equal(new[] { 2 }, check.Extra);
        Assert.Empty(check.Stale);
    }

    [Fact]
    public void Compare_OwnAccount_SendingDeviceMustBeLeftOut()
    {
        Assert.True(DeviceSetCheck.Compare([2], [1, 2], [], excludedSender: 1).Matches);
        Assert.Equal(new[] { 1 }, DeviceSetCheck.Compare([1, 2], [1, 2], [], excludedSender: 1).Extra);
    }

    [Fact]
    public void EnvelopeId_New_IsValidUniqueAndOrderedByTime()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var ids = Enumerable.Range(0, 1000).Select(i => EnvelopeId.New(t0.AddMilliseconds(i))).ToList();

        Assert.All(ids, id => Assert.True(EnvelopeId.IsValid(id), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAVX")]
    [InlineData("01arz3ndektsv4rrffq69g5fav")]
    [InlineData("81ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAU")]
    [InlineData("dl:{x}:mb:1:q*")]
    public void EnvelopeId_IsValid_RefusesMalformed(string? id) => Assert.False(EnvelopeId.IsValid(id));
}
