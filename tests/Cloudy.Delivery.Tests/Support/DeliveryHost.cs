extern alias Service;
using System.Buffers.Text;
using System.Collections.Concurrent;
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

namespace Cloudy.Delivery.Tests.Support;

/// <summary>
/// The delivery service on real Kestrel (loopback, free port) against real Garnet, wired exactly as its
/// Program.cs wires it (service defaults, store, in-process bus, delivery), plus a recorder of the
/// connection events it publishes. Several hosts on one store act as several delivery instances.
/// </summary>
public sealed class DeliveryHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _dataDir;

    private DeliveryHost(WebApplication app, TempDirectory dataDir, ShiftableClock clock)
    {
        _app = app;
        _dataDir = dataDir;
        Clock = clock;
        BaseAddress = new Uri(app.Urls.First());
    }

    /// <summary>Where the host listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The host's clock (move it forward to test expiry).</summary>
    public ShiftableClock Clock { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The host's bus (the in-process adapter, on the store).</summary>
    public IEventBus Bus => Services.GetRequiredService<IEventBus>();

    /// <summary>The host's store.</summary>
    public IDatabase Db => Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    /// <summary>Connection events this host published, in order.</summary>
    public ConcurrentQueue<IntegrationEvent> ConnectionEvents => Services.GetRequiredService<ConnectionEventLog>().Events;

    /// <summary>
    /// Starts a host on <paramref name="garnet"/> (or, when null, on whatever store <paramref name="settings"/>
    /// name, e.g. embedded Garnet); <paramref name="settings"/> add to or override configuration.
    /// </summary>
    public static async Task<DeliveryHost> StartAsync(GarnetFixture? garnet, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var dataDir = new TempDirectory("delivery");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = dataDir.Path });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var config = new Dictionary<string, string?>
        {
            ["Cloudy:DataDir"] = dataDir.Path,
            ["Store:Connection"] = garnet?.ConnectionString,
            ["Bus:Adapter"] = "InProcess",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        var clock = new ShiftableClock();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<ConnectionEventLog>();
        builder.Services.AddEventHandler<DeviceConnected, ConnectionEventLog.ConnectedRecorder>(Topics.Connections, "delivery-tests");
        builder.Services.AddEventHandler<DeviceDisconnected, ConnectionEventLog.DisconnectedRecorder>(Topics.Connections, "delivery-tests");

        builder.AddServiceDefaults();
        builder.AddCloudyStore();
        builder.AddCloudyEventBus();
        builder.AddDeliveryService();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapDeliveryEndpoints();
        await app.StartAsync();
        return new DeliveryHost(app, dataDir, clock);
    }

    /// <summary>An HTTP client for this host.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>An access token for <paramref name="account"/>/<paramref name="device"/>, signed with the host's key.</summary>
    public string Token(string account, int device, DateTimeOffset? expires = null) =>
        Mint(Services.GetRequiredService<ISigningKeyProvider>().Current, account, device, expires);

    /// <summary>A well-formed token signed with a key nobody trusts.</summary>
    public static string Forged(string account, int device)
    {
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Mint(new SigningCredentials(new ECDsaSecurityKey(foreignKey), SecurityAlgorithms.EcdsaSha256), account, device);
    }

    /// <summary>A token signed with <paramref name="credentials"/> (forged tokens use a foreign key).</summary>
    public static string Mint(SigningCredentials credentials, string account, int device, DateTimeOffset? expires = null) =>
        AccessTokens.Mint(credentials, account, device, expires);

    /// <summary>A fresh random account id in identity's format.</summary>
    public static string NewAccountId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Creates an account with devices 1..<paramref name="devices"/> the way identity announces it (AccountCreated,
    /// DeviceLinked on the bus) and waits until delivery's projection has them all.
    /// </summary>
    public async Task<string> CreateAccountAsync(int devices = 1)
    {
        var account = NewAccountId();
        await Bus.PublishAsync(Topics.Identity, account, new AccountCreated(account, 1));
        for (var device = 2; device <= devices; device++)
        {
            await Bus.PublishAsync(Topics.Identity, account, new DeviceLinked(account, device));
        }

        await Eventually.TrueAsync(async () => await Db.HashLengthAsync($"dl:{{{account}}}:devices") == devices);
        return account;
    }

    /// <summary>Publishes <see cref="DeviceRemoved"/> and waits until the projection applied it.</summary>
    public async Task RemoveDeviceAsync(string account, int device)
    {
        await Bus.PublishAsync(Topics.Identity, account, new DeviceRemoved(account, device));
        await Eventually.TrueAsync(async () => await Db.HashExistsAsync($"dl:{{{account}}}:removed", device));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dataDir.Dispose();
    }
}

/// <summary>Records the connection events delivery publishes (a test consumer group on the real bus).</summary>
public sealed class ConnectionEventLog
{
    /// <summary>Events in arrival order.</summary>
    public ConcurrentQueue<IntegrationEvent> Events { get; } = new();

    /// <summary>Handler for <see cref="DeviceConnected"/>.</summary>
    public sealed class ConnectedRecorder(ConnectionEventLog log) : IEventHandler<DeviceConnected>
    {
        /// <inheritdoc />
        public Task HandleAsync(DeviceConnected @event, CancellationToken cancellationToken)
        {
            log.Events.Enqueue(@event);
            return Task.CompletedTask;
        }
    }

    /// <summary>Handler for <see cref="DeviceDisconnected"/>.</summary>
    public sealed class DisconnectedRecorder(ConnectionEventLog log) : IEventHandler<DeviceDisconnected>
    {
        /// <inheritdoc />
        public Task HandleAsync(DeviceDisconnected @event, CancellationToken cancellationToken)
        {
            log.Events.Enqueue(@event);
            return Task.CompletedTask;
        }
    }
}
