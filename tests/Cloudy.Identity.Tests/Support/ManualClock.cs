namespace Cloudy.Identity.Tests;

/// <summary>A clock tests can move forward; starts at the real time.</summary>
public sealed class ManualClock : TimeProvider
{
    private TimeSpan _offset;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

    /// <summary>Moves the clock by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => _offset += by;
}
