using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cloudy.ServiceDefaults.Tests;

public sealed class DefaultEndpointsTests
{
    [Fact]
    public async Task HealthLive_FailingReadyCheck_StillHealthy()
    {
        await using var host = await DefaultsHost.StartAsync(configure: AddFailingReadyCheck);

        using var response = await host.Client.GetAsync(DefaultEndpoints.LivePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.False(json.RootElement.GetProperty("checks").TryGetProperty("dependency", out _));
    }

    [Fact]
    public async Task HealthReady_FailingReadyCheck_Returns503NamingTheCheckOnly()
    {
        await using var host = await DefaultsHost.StartAsync(configure: AddFailingReadyCheck);

        using var response = await host.Client.GetAsync(DefaultEndpoints.ReadyPath);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("dependency").GetString());
        Assert.DoesNotContain("10.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_NoReadyChecks_Healthy()
    {
        await using var host = await DefaultsHost.StartAsync();

        using var response = await host.Client.GetAsync(DefaultEndpoints.ReadyPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_Document_ListsMappedEndpoint()
    {
        await using var host = await DefaultsHost.StartAsync(map: app => app.MapGet("/v1/things/{id}", (string id) => Results.Ok(id)).WithName("GetThing"));

        using var response = await host.Client.GetAsync(DefaultEndpoints.OpenApiPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", json.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/v1/things/{id}", out _));
    }

    private static void AddFailingReadyCheck(WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddCheck("dependency",
            () => HealthCheckResult.Unhealthy("cannot reach 10.0.0.1:6379"), [DefaultEndpoints.ReadyTag]);
}
