using System.Net;
using System.Text.Json;
using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.EventBus.InProcess;
using Cloudy.Store;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace Cloudy.Testing;

/// <summary>
/// What every service must do whatever its features, run against its real Program: embedded Garnet in a temp
/// directory, the in-process bus, ASP.NET Core's test server. Derive once per service.
/// </summary>
public abstract class ServiceSkeletonTests<TProgram> : IAsyncLifetime
    where TProgram : class
{
    private readonly TempDirectory _dataDir = new("service");
    private WebApplicationFactory<TProgram>? _factory;

    /// <summary>The key space the service owns.</summary>
    protected abstract KeySpace OwnKeySpace { get; }

    /// <summary>Root of the service's route group, e.g. <c>/v1/keys</c>.</summary>
    protected abstract string RoutePrefix { get; }

    /// <summary>The service's consumer group.</summary>
    protected abstract string ConsumerGroup { get; }

    private WebApplicationFactory<TProgram> Factory => _factory ?? throw new InvalidOperationException("Not initialized.");

    private IDatabase Db => Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    /// <inheritdoc />
    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<TProgram>().WithWebHostBuilder(web => web
            .UseSetting("Store:Embedded", "true")
            .UseSetting("Cloudy:DataDir", _dataDir.Path)
            .UseSetting("Bus:Adapter", "InProcess"));
        _ = _factory.Server;   // start the host (and embedded Garnet) now
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _dataDir.Dispose();
    }

    [Fact]
    public async Task HealthReady_EmbeddedStoreUp_Returns200WithStoreCheck()
    {
        using var client = Factory.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty(StoreHealthCheck.Name).GetString());
    }

    [Fact]
    public async Task OpenApi_Document_IsServed()
    {
        using var client = Factory.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.TryGetProperty("openapi", out _));
    }

    [Fact]
    public async Task RoutePrefix_UnmappedPathWithoutToken_Returns4xxProblemDetails()
    {
        using var client = Factory.CreateClient();

        using var response = await client.GetAsync(RoutePrefix + "/no-such-endpoint");

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AccountDeleted_PublishedOnInProcessBus_PurgesOnlyThatAccountsOwnKeys()
    {
        var deleted = Guid.NewGuid().ToString("N");
        var other = Guid.NewGuid().ToString("N");
        RedisKey[] purged = [OwnKeySpace.Account(deleted), OwnKeySpace.Account(deleted, "a"), OwnKeySpace.Account(deleted, "b", "1")];
        RedisKey[] kept = [OwnKeySpace.Account(other, "a"), ForeignKeySpace().Account(deleted, "a")];
        foreach (var key in purged.Concat(kept))
        {
            await Db.StringSetAsync(key, "x");
        }

        var @event = new AccountDeleted(deleted);
        var bus = Factory.Services.GetRequiredService<IEventBus>();
        await bus.PublishAsync(Topics.Identity, deleted, @event);
        await bus.PublishAsync(Topics.Identity, deleted, @event);   // redelivery must be harmless

        await WaitUntilAsync(async () => await Db.KeyExistsAsync(purged) == 0 && await Db.ListLengthAsync(BusKeys.Ready(Topics.Identity, ConsumerGroup)) == 0);
        Assert.Equal(kept.Length, await Db.KeyExistsAsync(kept));
        Assert.Equal(0, await Db.ListLengthAsync(BusKeys.DeadLetter(Topics.Identity, ConsumerGroup)));
    }

    private KeySpace ForeignKeySpace() => KeySpace.All.First(k => k != OwnKeySpace);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met within 15 s.");
            await Task.Delay(50);
        }
    }
}
