using Cloudy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Cloudy.Store.Tests;

public sealed class AddCloudyStoreTests
{
    [Fact]
    public async Task AddCloudyStore_EmbeddedRestartedOnSameDataDir_KeepsDataAndIsReady()
    {
        using var dataDir = new TempDirectory("embedded-store");

        await using (var first = await StartHostAsync(Embedded(dataDir.Path)))
        {
            await Connection(first).GetDatabase().StringSetAsync("id:{acct}:device:1", "public-key");
        }

        await using var second = await StartHostAsync(Embedded(dataDir.Path));
        var report = await second.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal("public-key", (await Connection(second).GetDatabase().StringGetAsync("id:{acct}:device:1")).ToString());
        Assert.Equal(HealthStatus.Healthy, report.Entries[StoreHealthCheck.Name].Status);
        Assert.True(Directory.EnumerateFiles(Path.Combine(dataDir.Path, "garnet"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task AddCloudyStore_EmbeddedWithConfiguredPort_ListensThere()
    {
        using var dataDir = new TempDirectory("embedded-port");
        var port = FreePort.Next();
        var settings = Embedded(dataDir.Path);
        settings["Store:Garnet:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var host = await StartHostAsync(settings);
        await using var direct = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");

        Assert.True((await direct.GetDatabase().PingAsync()) >= TimeSpan.Zero);
    }

    [Fact]
    public async Task AddCloudyStore_StoreUnreachable_StartsButReadyCheckUnhealthy()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Store:Connection"] = $"127.0.0.1:{FreePort.Next()},connectTimeout=300,asyncTimeout=500",
        };

        await using var host = await StartHostAsync(settings);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Unhealthy, report.Entries[StoreHealthCheck.Name].Status);
    }

    [Fact]
    public void AddCloudyStore_CalledTwice_RegistersOneConnection()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddCloudyStore();
        builder.AddCloudyStore();

        Assert.Single(builder.Services, d => d.ServiceType == typeof(IConnectionMultiplexer));
    }

    private static Dictionary<string, string?> Embedded(string dataDir) => new()
    {
        ["Store:Embedded"] = "true",
        ["Cloudy:DataDir"] = dataDir,
    };

    private static IConnectionMultiplexer Connection(IHost host) => host.Services.GetRequiredService<IConnectionMultiplexer>();

    private static async Task<AsyncHost> StartHostAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCloudyStore();
        var host = builder.Build();
        await host.StartAsync();
        return new AsyncHost(host);
    }

    /// <summary>Stops and disposes the host (and with it the embedded Garnet) at the end of a using block.</summary>
    private sealed class AsyncHost(IHost host) : IHost, IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public Task StartAsync(CancellationToken cancellationToken = default) => host.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => host.StopAsync(cancellationToken);

        public void Dispose() => host.Dispose();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
