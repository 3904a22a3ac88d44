using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Cloudy.EventBus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cloudy.ServiceDefaults.Tests;

public sealed record Greeting(string Text);

[JsonSerializable(typeof(Greeting))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class GreetingJsonContext : JsonSerializerContext;

public sealed class JsonAndBusTests
{
    [Fact]
    public async Task AddJsonTypeInfoResolver_SourceGeneratedContext_UsedForResponses()
    {
        await using var host = await DefaultsHost.StartAsync(
            configure: b => b.Services.AddJsonTypeInfoResolver(GreetingJsonContext.Default),
            map: app => app.MapGet("/greeting", () => new Greeting("hi")));

        var body = await host.Client.GetStringAsync("/greeting");

        // The context's snake_case policy shows the generated metadata (not the default resolver) was used.
        Assert.Equal("{\"text\":\"hi\"}", body);
    }

    [Fact]
    public void AddCloudyEventBus_UnknownAdapter_FailsAtStartup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:Adapter"] = "Carrier-Pigeon" });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddCloudyEventBus());
        Assert.Contains("Carrier-Pigeon", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCloudyEventBus_NotConfigured_RegistersTheInProcessBus()
    {
        var builder = Host.CreateApplicationBuilder();

        builder.AddCloudyEventBus();

        Assert.Single(builder.Services, d => d.ServiceType == typeof(IEventBus));
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(Cloudy.EventBus.InProcess.InProcessEventBus));
    }

    [Fact]
    public void AddCloudyEventBus_Kafka_RegistersKafkaBusAndReadyCheck()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Adapter"] = "Kafka",
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
        });

        builder.AddCloudyEventBus();

        Assert.Contains(builder.Services, d => d.ServiceType == typeof(Cloudy.EventBus.Kafka.KafkaEventBus));
        using var provider = builder.Services.BuildServiceProvider();
        var checks = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Contains(checks, c => c.Name == Cloudy.EventBus.Kafka.KafkaHealthCheck.Name && c.Tags.Contains(DefaultEndpoints.ReadyTag));
    }

    [Fact]
    public void AddCloudyEventBus_Dapr_RegistersAnEventBus()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:Adapter"] = "dapr" });

        builder.AddCloudyEventBus();

        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IEventBus));
    }
}
