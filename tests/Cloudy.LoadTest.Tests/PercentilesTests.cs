using Cloudy.LoadTest.Metrics;

namespace Cloudy.LoadTest.Tests;

public sealed class PercentilesTests
{
    [Fact]
    public void NearestRank_OneToHundred_ReturnsTheRank()
    {
        long[] values = [.. Enumerable.Range(1, 100).Select(i => (long)i)];
        Assert.Equal(50, Percentiles.NearestRank(values, 50));
        Assert.Equal(90, Percentiles.NearestRank(values, 90));
        Assert.Equal(99, Percentiles.NearestRank(values, 99));
        Assert.Equal(100, Percentiles.NearestRank(values, 100));
        Assert.Equal(1, Percentiles.NearestRank(values, 0.5));
    }

    [Fact]
    public void NearestRank_TenSamples_RoundsTheRankUp()
    {
        long[] values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000];
        Assert.Equal(50, Percentiles.NearestRank(values, 50)); // rank 5
        Assert.Equal(1000, Percentiles.NearestRank(values, 91)); // rank ceil(9.1) = 10
        Assert.Equal(1000, Percentiles.NearestRank(values, 99));
    }

    [Fact]
    public void NearestRank_NoSamples_Throws() =>
        Assert.Throws<ArgumentException>(() => Percentiles.NearestRank(ReadOnlySpan<long>.Empty, 50));

    [Fact]
    public void Summarize_UnsortedMicros_ReturnsMillisecondFigures()
    {
        long[] micros = [5_000, 1_000, 3_000, 2_000, 4_000];
        var s = Percentiles.Summarize(micros);
        Assert.Equal(5, s.Count);
        Assert.Equal(3.0, s.P50);
        Assert.Equal(5.0, s.P90);
        Assert.Equal(5.0, s.P99);
        Assert.Equal(5.0, s.Max);
        Assert.Equal(3.0, s.Mean);
    }

    [Fact]
    public void Summarize_Empty_ReturnsEmpty() => Assert.Same(LatencySummary.Empty, Percentiles.Summarize(Array.Empty<long>()));
}
