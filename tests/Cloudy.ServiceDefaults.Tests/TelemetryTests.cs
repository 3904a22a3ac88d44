using System.Diagnostics;

namespace Cloudy.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    [Theory]
    [InlineData("Cloudy.EventBus.Kafka")]            // our Kafka adapter, through the Cloudy.* wildcard
    [InlineData("Cloudy.Anything.Else")]
    [InlineData("Microsoft.AspNetCore")]             // ASP.NET Core instrumentation
    [InlineData("System.Net.Http")]                  // HttpClient instrumentation
    [InlineData("OpenTelemetry.Instrumentation.StackExchangeRedis")]
    public async Task AddServiceDefaults_HostStarted_TracerListensToSource(string sourceName)
    {
        await using var host = await DefaultsHost.StartAsync();
        using var source = new ActivitySource(sourceName);

        Assert.True(source.HasListeners(), $"no tracer listens to {sourceName}");
    }

    [Fact]
    public async Task AddServiceDefaults_HostStarted_UnrelatedSourceNotTraced()
    {
        await using var host = await DefaultsHost.StartAsync();
        using var source = new ActivitySource("SomeoneElses.Library");

        Assert.False(source.HasListeners());
    }
}
