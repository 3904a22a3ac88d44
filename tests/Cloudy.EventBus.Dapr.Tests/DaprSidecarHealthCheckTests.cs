using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cloudy.EventBus.Dapr.Tests;

/// <summary>The readiness check registered by AddDaprEventBus, against the stand-in sidecar (no daprd binary here).</summary>
public sealed class DaprSidecarHealthCheckTests : IAsyncLifetime
{
    private StandInSidecar _sidecar = null!;

    public async Task InitializeAsync() => _sidecar = await StandInSidecar.StartAsync();

    public async Task DisposeAsync() => await _sidecar.DisposeAsync();

    [Theory]
    [InlineData(204, HealthStatus.Healthy)]
    [InlineData(500, HealthStatus.Unhealthy)]
    public async Task CheckHealth_SidecarOutboundStatus_MapsToReadiness(int sidecarStatus, HealthStatus expected)
    {
        _sidecar.RespondWith = sidecarStatus;
        await using var services = Services(_sidecar.Port);

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));

        Assert.Equal(expected, report.Entries["dapr"].Status);
    }

    [Fact]
    public async Task CheckHealth_NoSidecarListening_IsUnhealthy()
    {
        // A fresh sidecar for DisposeAsync, started before the old one closes so it cannot be given the old port.
        var closed = _sidecar;
        _sidecar = await StandInSidecar.StartAsync();
        var closedPort = closed.Port;
        await closed.DisposeAsync();
        await using var services = Services(closedPort);

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["dapr"].Status);
    }

    private static ServiceProvider Services(int port)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_HTTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDaprEventBus(configuration);
        return services.BuildServiceProvider();
    }
}
