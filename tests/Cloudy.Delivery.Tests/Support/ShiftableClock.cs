namespace Cloudy.Delivery.Tests.Support;

/// <summary>The real clock plus an offset tests can move forward (for expiry).</summary>
public sealed class ShiftableClock : TimeProvider
{
    /// <summary>Added to the system time.</summary>
    public TimeSpan Offset { get; set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
