using Cloudy.LoadTest.Metrics;
using Cloudy.LoadTest.Scenarios;

namespace Cloudy.LoadTest.Tests;

public sealed class RampJudgeTests
{
    private static MessageCounts Counts(long accepted, long delivered, long failed = 0) =>
        new(accepted + failed, accepted, failed, delivered, accepted - delivered, 0, 0, new Dictionary<string, long>());

    private static LatencySummary P99(double ms) => new(100, ms / 2, ms, ms, ms, ms / 2);

    private static readonly PumpResult _fiveSeconds = new(0, 1000, 5, 0);

    [Fact]
    public void Judge_WithinBoundNothingLost_Holds()
    {
        var step = RampScenario.Judge(0, 200, _fiveSeconds, Counts(1000, 1000), P99(20), 100);
        Assert.True(step.Passed);
        Assert.Equal(200, step.AcceptedRate);
    }

    [Fact]
    public void Judge_Loss_Fails() => Assert.Equal("1 lost", RampScenario.Judge(0, 200, _fiveSeconds, Counts(1000, 999), P99(20), 100).Reason);

    [Fact]
    public void Judge_Refusals_Fail() => Assert.False(RampScenario.Judge(0, 200, _fiveSeconds, Counts(1000, 1000, failed: 3), P99(20), 100).Passed);

    [Fact]
    public void Judge_P99AboveBound_Fails() => Assert.StartsWith("p99 150", RampScenario.Judge(0, 200, _fiveSeconds, Counts(1000, 1000), P99(150), 100).Reason, StringComparison.Ordinal);

    [Fact]
    public void Judge_ServerAcceptsTooLittle_Fails() =>
        Assert.StartsWith("accepted only 100/s", RampScenario.Judge(0, 200, _fiveSeconds, Counts(500, 500), P99(20), 100).Reason, StringComparison.Ordinal);
}
