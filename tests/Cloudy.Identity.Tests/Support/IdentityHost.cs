using Cloudy.EventBus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cloudy.Identity.Tests;

/// <summary>
/// The identity service on real Kestrel (loopback, free port) against real Garnet, wired as the
/// embedded host wires it (service defaults, edge policies, identity) or, with <c>edge: false</c>,
/// as its own process behind the gateway (service defaults and identity only).
/// </summary>
public sealed class IdentityHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private IdentityHost(WebApplication app, string dataDir, RecordingEventBus bus, ManualClock clock)
    {
        _app = app;
        _dataDir = dataDir;
        Bus = bus;
        Clock = clock;
        BaseAddress = new Uri(app.Urls.First());
    }

    /// <summary>Where the host listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Events identity published (only when the host runs with the recording bus, the default).</summary>
    public RecordingEventBus Bus { get; }

    /// <summary>Identity's clock.</summary>
    public ManualClock Clock { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Settings every test host uses: generous limits so only rate-limit tests hit them.</summary>
    public static Dictionary<string, string?> DefaultSettings(string dataDir) => new()
    {
        ["Cloudy:DataDir"] = dataDir,
        ["Edge:RateLimits:PerClient:Permits"] = "100000",
        ["Edge:RateLimits:PerAccount:Permits"] = "100000",
        ["Edge:RateLimits:Registration:Permits"] = "100000",
        ["Edge:RateLimits:Login:Permits"] = "100000",
        ["Edge:RateLimits:LinkResolve:Permits"] = "100000",
        ["Edge:RateLimits:LinkResolvePerAccount:Permits"] = "100000",
    };

    /// <summary>Starts a host; <paramref name="settings"/> override the defaults.</summary>
    /// <param name="store">The Garnet connection.</param>
    /// <param name="edge">Run the edge policies (embedded wiring) or not (own process behind the gateway).</param>
    /// <param name="settings">Configuration overrides.</param>
    /// <param name="inProcessBus">Use the real in-process bus adapter (through AddCloudyEventBus) instead of the recording double.</param>
    /// <param name="configure">Extra registrations, e.g. a probe event handler.</param>
    public static async Task<IdentityHost> StartAsync(
        IConnectionMultiplexer store, bool edge = true, IReadOnlyDictionary<string, string?>? settings = null,
        bool inProcessBus = false, Action<IHostApplicationBuilder>? configure = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("cloudy-identity-").FullName;
        // Content root in the temp dir: no appsettings.json of whatever project shares the test's output folder.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = dataDir });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var config = DefaultSettings(dataDir);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        config["Bus:Adapter"] = "InProcess";
        builder.Configuration.AddInMemoryCollection(config);
        var bus = new RecordingEventBus();
        var clock = new ManualClock();
        builder.Services.AddSingleton(store);
        if (inProcessBus)
        {
            builder.AddCloudyEventBus();
        }
        else
        {
            builder.Services.AddSingleton<IEventBus>(bus);
        }

        builder.Services.AddSingleton<TimeProvider>(clock);
        configure?.Invoke(builder);

        builder.AddServiceDefaults();
        if (edge)
        {
            Cloudy.Edge.EdgeExtensions.AddEdgePolicies(builder);
        }

        builder.AddIdentityService();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        if (edge)
        {
            Cloudy.Edge.EdgeExtensions.UseEdgePolicies(app);
        }

        app.MapIdentityEndpoints();
        await app.StartAsync();
        return new IdentityHost(app, dataDir, bus, clock);
    }

    /// <summary>A client for this host.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
