using System.Diagnostics;

namespace Cloudy.LoadTest.Metrics;

/// <summary>Microseconds since the run started, monotonic; senders and receivers share it (same process, same box).</summary>
internal sealed class RunClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>Microseconds since the clock was created.</summary>
    public long NowMicros => (long)Stopwatch.GetElapsedTime(_start).TotalMicroseconds;

    /// <summary>Seconds since the clock was created.</summary>
    public double NowSeconds => Stopwatch.GetElapsedTime(_start).TotalSeconds;
}
