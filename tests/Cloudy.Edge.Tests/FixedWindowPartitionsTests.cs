using System.Threading.RateLimiting;

namespace Cloudy.Edge.Tests;

/// <summary>The edge's partitioned fixed-window limiter, driven by a manual clock.</summary>
public sealed class FixedWindowPartitionsTests
{
    private static readonly Limit _threePerMinute = new() { Permits = 3, Window = TimeSpan.FromMinutes(1) };
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 30, TimeSpan.Zero));

    [Fact]
    public void AttemptAcquire_PermitsUsedUp_RefusedWithTimeUntilTheWindowEnds()
    {
        using var limiter = new FixedWindowPartitions<string>(key => (key, _threePerMinute), _clock);

        var granted = Enumerable.Range(0, 3).Select(_ => limiter.AttemptAcquire("alice").IsAcquired).ToList();
        _clock.Now += TimeSpan.FromSeconds(20);
        using var refused = limiter.AttemptAcquire("alice");

        Assert.All(granted, Assert.True);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
    }

    [Fact]
    public void AttemptAcquire_OtherPartition_HasItsOwnPermits()
    {
        using var limiter = new FixedWindowPartitions<string>(key => (key, _threePerMinute), _clock);
        for (var i = 0; i < 3; i++)
        {
            limiter.AttemptAcquire("alice").Dispose();
        }

        Assert.False(limiter.AttemptAcquire("alice").IsAcquired);
        Assert.True(limiter.AttemptAcquire("bob").IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_WindowOver_PermitsRenewedFromTheNextRequest()
    {
        using var limiter = new FixedWindowPartitions<string>(key => (key, _threePerMinute), _clock);
        for (var i = 0; i < 4; i++)
        {
            limiter.AttemptAcquire("alice").Dispose();
        }

        _clock.Now += TimeSpan.FromMinutes(1);
        var renewed = Enumerable.Range(0, 3).Select(_ => limiter.AttemptAcquire("alice").IsAcquired).ToList();

        Assert.All(renewed, Assert.True);
        Assert.False(limiter.AttemptAcquire("alice").IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_NoPartition_AlwaysGrantedAndNothingRemembered()
    {
        using var limiter = new FixedWindowPartitions<string>(_ => null, _clock);

        var granted = Enumerable.Range(0, 100).All(_ => limiter.AttemptAcquire("anyone").IsAcquired);

        Assert.True(granted);
        Assert.Equal(0, limiter.Count);
    }

    [Fact]
    public void AttemptAcquire_AfterASweepInterval_EndedWindowsForgottenAndLiveOnesKept()
    {
        var longWindow = new Limit { Permits = 1, Window = TimeSpan.FromHours(1) };
        using var limiter = new FixedWindowPartitions<string>(key => (key, key.StartsWith("long", StringComparison.Ordinal) ? longWindow : _threePerMinute), _clock);
        for (var i = 0; i < 1000; i++)
        {
            limiter.AttemptAcquire("short-" + i).Dispose();
        }

        limiter.AttemptAcquire("long").Dispose();
        Assert.Equal(1001, limiter.Count);

        _clock.Now += TimeSpan.FromMinutes(2);
        limiter.AttemptAcquire("trigger").Dispose();

        // The 1000 one-minute windows ended and were dropped; the hour-long one still counts its used permit.
        Assert.Equal(2, limiter.Count);
        Assert.False(limiter.AttemptAcquire("long").IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_PermitsUsedUp_RefusedWithoutWaiting()
    {
        using var limiter = new FixedWindowPartitions<string>(key => (key, _threePerMinute), _clock);
        for (var i = 0; i < 3; i++)
        {
            (await limiter.AcquireAsync("alice")).Dispose();
        }

        using var refused = await limiter.AcquireAsync("alice").AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(refused.IsAcquired);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
