extern alias Service;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.Security;
using Cloudy.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Service::Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Cloudy.Presence.Tests.Support;

/// <summary>
/// The presence service wired as its Program wires it (service defaults, store, in-process bus, presence), on real
/// Kestrel (loopback, free port) against a real store server: Garnet in this process or Debian's redis-server. A probe consumer group on
/// <see cref="PresenceTopics.Presence"/> records every <see cref="PresenceChanged"/> the service publishes, as
/// delivery's consumer would receive it. The heartbeat TTL is 10 s, long enough that a device stays online while a
/// test on a loaded two-core machine observes it; expiry tests announce a heartbeat already
/// <see cref="HeartbeatTtl"/> − <see cref="LapseWindow"/> old (see <see cref="LapsingAt"/>), and the sweep runs every
/// 200 ms, so they take seconds.
/// </summary>
public abstract class PresenceHostFixture : IAsyncLifetime
{
    /// <summary>Heartbeat TTL of the test host.</summary>
    public static readonly TimeSpan HeartbeatTtl = TimeSpan.FromSeconds(10);

    /// <summary>How long a heartbeat announced at <see cref="LapsingAt"/> stays live: the time a test has to observe it online.</summary>
    public static readonly TimeSpan LapseWindow = TimeSpan.FromSeconds(5);

    /// <summary>An OccurredAt for a heartbeat that lapses <see cref="LapseWindow"/> from now (expiry tests need not wait a whole TTL).</summary>
    public static DateTimeOffset LapsingAt() => DateTimeOffset.UtcNow - HeartbeatTtl + LapseWindow;

    /// <summary>Look-ups one caller may make per minute in the test host (polling tests stay well below).</summary>
    public const int QueryPermits = 400;

    private readonly IStoreServer _store;
    private readonly TempDirectory _dataDir = new("presence-tests");
    private WebApplication? _app;

    /// <summary>Creates the host over <paramref name="store"/> (an <see cref="IAsyncLifetime"/> the fixture starts and stops).</summary>
    protected PresenceHostFixture(IStoreServer store) => _store = store;

    /// <summary>Every PresenceChanged the probe group received.</summary>
    public ConcurrentQueue<PresenceChanged> Pushed { get; } = new();

    /// <summary>The store (for inspecting keys).</summary>
    public IDatabase Db => _store.Connection.GetDatabase();

    /// <summary>The store server (for SCAN).</summary>
    public IServer StoreServer => _store.Connection.GetServers()[0];

    /// <summary>The host's event bus (the real in-process adapter).</summary>
    public IEventBus Bus => App.Services.GetRequiredService<IEventBus>();

    private WebApplication App => _app ?? throw new InvalidOperationException("Not started.");

    private Uri BaseAddress => new(App.Urls.First());

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_store).InitializeAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = _dataDir.Path });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cloudy:DataDir"] = _dataDir.Path,
            ["Store:Connection"] = _store.ConnectionString,
            ["Bus:Adapter"] = "InProcess",
            ["Presence:HeartbeatTtl"] = HeartbeatTtl.ToString(),
            ["Presence:SweepInterval"] = "00:00:00.200",
            ["Presence:QueryPermits"] = QueryPermits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Presence:MaxWatchersPerEvent"] = "2",
        });
        builder.Services.AddSingleton(Pushed);
        builder.Services.AddEventHandler<PresenceChanged, PresenceChangedProbe>(PresenceTopics.Presence, "presence-probe");

        builder.AddServiceDefaults();
        builder.AddCloudyStore();
        builder.AddCloudyEventBus();
        builder.AddPresenceService();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPresenceEndpoints();
        await app.StartAsync();
        _app = app;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await ((IAsyncLifetime)_store).DisposeAsync();
        _dataDir.Dispose();
    }

    /// <summary>A client; with <paramref name="token"/> it sends it as a bearer token.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A random account id shaped like identity's (128 bits, base64url).</summary>
    public static string NewAccountId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A token signed with the host's real signing key (the key identity would use in embedded mode).</summary>
    public string Token(string accountId, int? deviceId = 1, DateTimeOffset? expires = null, SigningCredentials? credentials = null) =>
        AccessTokens.Mint(credentials ?? App.Services.GetRequiredService<ISigningKeyProvider>().Current, accountId, deviceId, expires);

    /// <summary>Publishes what delivery publishes when a stream opens or heartbeats.</summary>
    public Task ConnectAsync(string account, int device = 1, string instance = "instance-a", DateTimeOffset? at = null) =>
        Bus.PublishAsync(Topics.Connections, account,
            new DeviceConnected(account, device, instance) { OccurredAt = at ?? DateTimeOffset.UtcNow });

    /// <summary>Publishes what delivery publishes when a stream closes.</summary>
    public Task DisconnectAsync(string account, int device = 1, string instance = "instance-a", DateTimeOffset? at = null) =>
        Bus.PublishAsync(Topics.Connections, account,
            new DeviceDisconnected(account, device, instance) { OccurredAt = at ?? DateTimeOffset.UtcNow });

    /// <summary>PresenceChanged events about <paramref name="account"/> received so far.</summary>
    public IReadOnlyList<PresenceChanged> PushesAbout(string account) => [.. Pushed.Where(p => p.AccountId == account)];

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or 30 s pass (then fails with <paramref name="what"/>): generous,
    /// because other test assemblies share the two cores; a condition that holds returns at once anyway.
    /// </summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for: " + what);
            await Task.Delay(100);
        }
    }
}

/// <summary>Records PresenceChanged as delivery's consumer would receive it.</summary>
public sealed class PresenceChangedProbe(ConcurrentQueue<PresenceChanged> pushed) : IEventHandler<PresenceChanged>
{
    /// <inheritdoc />
    public Task HandleAsync(PresenceChanged @event, CancellationToken cancellationToken)
    {
        pushed.Enqueue(@event);
        return Task.CompletedTask;
    }
}

/// <summary>The host over Garnet in this process (the embedded mode's store).</summary>
public sealed class GarnetPresenceHost() : PresenceHostFixture(new GarnetFixture());

/// <summary>The host over Debian's redis-server started as a process (the platform mode's store).</summary>
public sealed class RedisPresenceHost() : PresenceHostFixture(new RedisServerFixture());

/// <summary>Tests on the Garnet host share it and run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PresenceCollection : ICollectionFixture<GarnetPresenceHost>
{
    public const string Name = "presence-host-garnet";
}

/// <summary>Tests on the redis-server host share it and run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RedisPresenceCollection : ICollectionFixture<RedisPresenceHost>
{
    public const string Name = "presence-host-redis";
}
