using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Cloudy.Edge;

/// <summary>
/// A partitioned fixed-window limiter: each partition key gets <see cref="Limit.Permits"/> permits per window, the
/// window starting at the partition's first request (and again at the first request after it ended). Refusals carry
/// the time until the window ends as <see cref="MetadataName.RetryAfter"/>.
/// </summary>
/// <remarks>
/// Why not <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/>: it keeps a limiter object per partition
/// and visits every one of them ten times a second to replenish them, so its cost grows with the number of accounts active
/// within a window (22 % of an idle node's CPU samples with 12,000 recently active accounts, docs/performance.md). Here a
/// partition is a counter that resets lazily when a request finds its window over, and ended windows are swept once per
/// <see cref="SweepInterval"/>. A sweep racing a request on the same just-ended partition can grant that key one extra
/// permit; nothing else is approximate.
/// </remarks>
internal sealed class FixedWindowPartitions<TResource> : PartitionedRateLimiter<TResource>
{
    /// <summary>How often counters of ended windows are dropped.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private static readonly RateLimitLease _granted = new Lease(true, null);
    private readonly Func<TResource, (string Key, Limit Limit)?> _partition;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>
    /// Limits each resource by the partition <paramref name="partition"/> gives it; a null partition is not limited.
    /// </summary>
    public FixedWindowPartitions(Func<TResource, (string Key, Limit Limit)?> partition, TimeProvider? time = null)
    {
        _partition = partition;
        _time = time ?? TimeProvider.System;
        _nextSweep = _time.GetUtcNow().UtcTicks + SweepInterval.Ticks;
    }

    /// <summary>Partitions currently remembered (for tests and diagnostics).</summary>
    public int Count => _counters.Count;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics(TResource resource) => null;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount)
    {
        if (_partition(resource) is not { } partition)
        {
            return _granted;
        }

        var now = _time.GetUtcNow().UtcTicks;
        SweepIfDue(now);
        var counter = _counters.GetOrAdd(partition.Key, static _ => new Counter());
        lock (counter)
        {
            if (now >= counter.EndTicks)
            {
                counter.EndTicks = now + partition.Limit.Window.Ticks;
                counter.Used = 0;
            }

            if (counter.Used + permitCount > partition.Limit.Permits)
            {
                return new Lease(false, TimeSpan.FromTicks(counter.EndTicks - now));
            }

            counter.Used += permitCount;
            return _granted;
        }
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    private void SweepIfDue(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + SweepInterval.Ticks, due) != due)
        {
            return;
        }

        foreach (var (key, counter) in _counters)
        {
            if (Volatile.Read(ref counter.EndTicks) <= now)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counter
    {
        public long EndTicks;
        public int Used;
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name ? value : null;
            return metadata is not null;
        }
    }
}
