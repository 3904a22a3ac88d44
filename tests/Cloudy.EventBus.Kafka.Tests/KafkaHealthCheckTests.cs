using Cloudy.Testing;
using Cloudy.Testing.EventBus;
using Cloudy.Testing.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>The readiness check against librdkafka's mock cluster (a broker test double) and against nothing.</summary>
public sealed class KafkaHealthCheckTests(KafkaBrokerTestDoubleFixture kafka) : IClassFixture<KafkaBrokerTestDoubleFixture>
{
    [Fact]
    public async Task CheckHealthAsync_BrokerReachable_Healthy()
    {
        // The host's 1 s metadata timeout is for the unreachable case; a busy machine may need longer to connect.
        using var host = KafkaBusHost.Build(
            kafka.BootstrapServers, new BusProbe(), "unused", "health", settings: new Dictionary<string, string?> { ["Kafka:HealthCheckTimeout"] = "00:00:30" });

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Healthy, report.Entries[KafkaHealthCheck.Name].Status);
    }

    [Fact]
    public async Task CheckHealthAsync_NothingListening_UnhealthyWithinTimeout()
    {
        using var host = KafkaBusHost.Build($"127.0.0.1:{FreePort.Next()}", new BusProbe(), "unused", "health");
        var started = DateTime.UtcNow;

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Unhealthy, report.Entries[KafkaHealthCheck.Name].Status);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the check must respect its timeout");
    }
}
