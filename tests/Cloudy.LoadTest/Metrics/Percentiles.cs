namespace Cloudy.LoadTest.Metrics;

/// <summary>Latency summary in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double P50, double P90, double P99, double Max, double Mean)
{
    /// <summary>No samples.</summary>
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);
}

/// <summary>Exact percentiles over a sorted array (nearest-rank method): with at most a few million samples this is cheap enough.</summary>
internal static class Percentiles
{
    /// <summary>The nearest-rank percentile <paramref name="p"/> (0–100] of ascending <paramref name="sorted"/>.</summary>
    public static long NearestRank(ReadOnlySpan<long> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No samples.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(p);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100);
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>Sorts <paramref name="micros"/> in place and summarises it in milliseconds.</summary>
    public static LatencySummary Summarize(long[] micros) => Summarize(micros.AsSpan());

    /// <inheritdoc cref="Summarize(long[])"/>
    public static LatencySummary Summarize(Span<long> micros)
    {
        if (micros.IsEmpty)
        {
            return LatencySummary.Empty;
        }

        micros.Sort();
        double sum = 0;
        foreach (var m in micros)
        {
            sum += m;
        }

        return new LatencySummary(micros.Length, Ms(NearestRank(micros, 50)), Ms(NearestRank(micros, 90)), Ms(NearestRank(micros, 99)),
            Ms(micros[^1]), Math.Round(sum / micros.Length / 1000.0, 3));
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
