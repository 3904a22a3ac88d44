namespace Cloudy.LoadTest.Tests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void Parse_ScenarioOnly_UsesDefaults()
    {
        var o = LoadOptions.Parse(["steady"]);
        Assert.Equal("steady", o.Scenario);
        Assert.Equal(100, o.Devices);
        Assert.Equal(1000, o.Rate);
        Assert.Equal(1, o.SourceAddresses);
    }

    [Fact]
    public void Parse_Flags_AreApplied()
    {
        var o = LoadOptions.Parse(["ramp", "--rate", "500", "--devices", "20", "--server-pid", "12", "--server-pid", "13", "--p99-bound", "50", "--no-find-server"]);
        Assert.Equal(500, o.Rate);
        Assert.Equal(20, o.Devices);
        Assert.Equal([12, 13], o.ServerPids);
        Assert.Equal(50, o.P99BoundMs);
        Assert.False(o.FindServer);
    }

    [Fact]
    public void Parse_ProtocolAndWarmup_AreApplied()
    {
        var o = LoadOptions.Parse(["steady", "--protocol", "--warmup", "0"]);
        Assert.True(o.Protocol);
        Assert.Equal(0, o.WarmupSeconds);
        Assert.False(LoadOptions.Parse(["steady"]).Protocol);
        Assert.Equal(3, LoadOptions.Parse(["steady"]).WarmupSeconds);
    }

    [Fact]
    public void Parse_Connections_SpreadsSourceAddressesByDefault()
    {
        Assert.Equal(4, LoadOptions.Parse(["connections", "--connections", "5000"]).SourceAddresses);
        Assert.Equal(6, LoadOptions.Parse(["connections", "--connections", "100000"]).SourceAddresses);
        Assert.Equal(1, LoadOptions.Parse(["connections", "--source-addresses", "1"]).SourceAddresses);
    }

    [Fact]
    public void Parse_Senders_AreAppliedAndDefaultToOne()
    {
        Assert.Equal(3, LoadOptions.Parse(["steady", "--senders", "3"]).Senders);
        Assert.Equal(1, LoadOptions.Parse(["steady"]).Senders);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("steady", "--senders", "0")]
    [InlineData("steady", "--rate", "-1")]
    [InlineData("steady", "--devices")]
    [InlineData("steady", "--frobnicate", "1")]
    public void Parse_BadArguments_Throw(params string[] args) => Assert.Throws<ArgumentException>(() => LoadOptions.Parse(args));

    [Fact]
    public void Capacity_Steady_CoversRateTimesDurationUpToTheCap()
    {
        Assert.InRange(LoadRunner.Capacity(LoadOptions.Parse(["steady", "--rate", "100", "--duration", "10"])), 1000, 3000);
        Assert.Equal(500, LoadRunner.Capacity(LoadOptions.Parse(["steady", "--max-messages", "500"])));
    }
}
