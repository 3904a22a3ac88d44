namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>Counts work running at the same time, and the most seen at once.</summary>
internal sealed class ConcurrencyGauge
{
    private int _current;
    private int _max;

    public int Current => Volatile.Read(ref _current);

    public int Max => Volatile.Read(ref _max);

    /// <summary>Counts the caller in until the returned scope is disposed.</summary>
    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while ((seen = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
            // Another thread raised the maximum meanwhile; compare again.
        }

        return new Exit(this);
    }

    private sealed class Exit(ConcurrencyGauge gauge) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref gauge._current);
    }
}
