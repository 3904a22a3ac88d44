extern alias Service;

using Cloudy.EventBus;
using Cloudy.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Service::Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>
/// The key-directory service on real Kestrel (loopback, free port) against a real Garnet, wired the
/// way its Program wires it: service defaults, the key-directory service, its route group.
/// Events go to a <see cref="RecordingEventBus"/>, or with <c>inProcessBus</c> to the real in-process adapter.
/// </summary>
public sealed class KeyDirectoryHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private KeyDirectoryHost(WebApplication app, string dataDir, RecordingEventBus bus)
    {
        _app = app;
        _dataDir = dataDir;
        Bus = bus;
        BaseAddress = new Uri(app.Urls.First());
        Tokens = new TokenMinter(app.Services.GetRequiredService<ISigningKeyProvider>());
    }

    /// <summary>Where the host listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Events published (recording mode only).</summary>
    public RecordingEventBus Bus { get; }

    /// <summary>Mints tokens with this host's signing key.</summary>
    public TokenMinter Tokens { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a host against <paramref name="store"/>; <paramref name="settings"/> add configuration.</summary>
    public static async Task<KeyDirectoryHost> StartAsync(
        IConnectionMultiplexer store, IReadOnlyDictionary<string, string?>? settings = null, bool inProcessBus = false)
    {
        var dataDir = Directory.CreateTempSubdirectory("cloudy-keydir-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = dataDir });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var config = new Dictionary<string, string?> { ["Cloudy:DataDir"] = dataDir, ["Bus:Adapter"] = "InProcess" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton(store);
        var bus = new RecordingEventBus();
        if (inProcessBus)
        {
            builder.AddCloudyEventBus();
        }
        else
        {
            builder.Services.AddSingleton<IEventBus>(bus);
        }

        builder.AddServiceDefaults();
        builder.AddKeyDirectoryService();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapKeyDirectoryEndpoints();
        await app.StartAsync();
        return new KeyDirectoryHost(app, dataDir, bus);
    }

    /// <summary>A client for this host, authenticated as <paramref name="accountId"/>/<paramref name="deviceId"/> when given.</summary>
    public HttpClient CreateClient(string? accountId = null, int deviceId = 1)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (accountId is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Mint(accountId, deviceId));
        }

        return client;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
