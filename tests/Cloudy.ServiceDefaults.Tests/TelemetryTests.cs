using System.Diagnostics;

namespace Cloudy.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    // A collector address nothing listens on: the exporter only buffers, which is enough to switch tracing on.
    private static readonly Dictionary<string, string?> _withCollector = new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" };

    [Theory]
    [InlineData("Cloudy.EventBus.Kafka")]            // our Kafka adapter, through the Cloudy.* wildcard
    [InlineData("Cloudy.Anything.Else")]
    [InlineData("Microsoft.AspNetCore")]             // ASP.NET Core instrumentation
    [InlineData("System.Net.Http")]                  // HttpClient instrumentation
    [InlineData("OpenTelemetry.Instrumentation.StackExchangeRedis")]
    public async Task AddServiceDefaults_CollectorConfigured_TracerListensToSource(string sourceName)
    {
        await using var host = await DefaultsHost.StartAsync(settings: _withCollector);
        using var source = new ActivitySource(sourceName);

        Assert.True(source.HasListeners(), $"no tracer listens to {sourceName}");
    }

    [Fact]
    public async Task AddServiceDefaults_CollectorConfigured_UnrelatedSourceNotTraced()
    {
        await using var host = await DefaultsHost.StartAsync(settings: _withCollector);
        using var source = new ActivitySource("SomeoneElses.Library");

        Assert.False(source.HasListeners());
    }

    [Theory]
    [InlineData("Cloudy.Anything.Else")]
    [InlineData("Microsoft.AspNetCore")]
    public async Task AddServiceDefaults_NoCollector_NoTracerListens(string sourceName)
    {
        await using var host = await DefaultsHost.StartAsync();
        using var source = new ActivitySource(sourceName);

        // Spans nobody exports are pure cost on every request and store command.
        Assert.False(source.HasListeners(), $"a tracer listens to {sourceName} without a collector");
    }
}
