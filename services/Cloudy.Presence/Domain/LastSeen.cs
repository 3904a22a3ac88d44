namespace Cloudy.Presence.Domain;

/// <summary>Rounding of last-seen times: only the rounded value is ever stored or shown.</summary>
public static class LastSeen
{
    /// <summary>
    /// <paramref name="unixMs"/> rounded DOWN to a multiple of <paramref name="precision"/> (so a watcher cannot tell
    /// within a bucket when someone left); a non-positive precision keeps milliseconds.
    /// </summary>
    public static long Round(long unixMs, TimeSpan precision)
    {
        var step = (long)precision.TotalMilliseconds;
        return step <= 0 ? unixMs : unixMs - (((unixMs % step) + step) % step);
    }

    /// <summary>A stored last-seen value as a timestamp (null when absent).</summary>
    public static DateTimeOffset? FromUnixMs(long? unixMs) =>
        unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
