using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cloudy.Gateway.Tests;

/// <summary>
/// The gateway as its Program.cs builds it, with the gateway's own appsettings.json (routes and
/// clusters), on real Kestrel; cluster addresses and the JWKS address are overridden the way the
/// deployment overrides them (configuration keys equal to the env vars).
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = Address };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public static async Task<GatewayHost> StartAsync(Uri identity, Uri others, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
        var overrides = new Dictionary<string, string?>
        {
            ["Auth:JwksUrl"] = new Uri(identity, "/.well-known/jwks.json").ToString(),
            ["Auth:JwksRefreshInterval"] = "00:00:01",
            ["ReverseProxy:Clusters:identity:Destinations:d1:Address"] = identity.ToString(),
            ["ReverseProxy:Clusters:keydirectory:Destinations:d1:Address"] = others.ToString(),
            ["ReverseProxy:Clusters:delivery:Destinations:d1:Address"] = others.ToString(),
            ["ReverseProxy:Clusters:presence:Destinations:d1:Address"] = others.ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGateway();
        await app.StartAsync();
        return new GatewayHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
