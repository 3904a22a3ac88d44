using System.Net.Http.Headers;
using Cloudy.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cloudy.Edge.Tests;

/// <summary>
/// A real Kestrel host with the edge policies in front of probe endpoints shaped like Cloudy's
/// (protected, anonymous, registration, link resolution, upload), with keys in a temp data dir.
/// </summary>
public sealed class EdgeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;
    private int _hits;

    private EdgeHost(WebApplication app, string dataDir)
    {
        _app = app;
        _dataDir = dataDir;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    /// <summary>A client for the host.</summary>
    public HttpClient Http { get; }

    /// <summary>Requests that reached an endpoint.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>The signing keys (embedded mode: in-process provider).</summary>
    public ISigningKeyProvider Keys => _app.Services.GetRequiredService<ISigningKeyProvider>();

    public static async Task<EdgeHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("cloudy-edge-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cloudy:DataDir"] = dataDir });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddEdgePolicies();
        var app = builder.Build();
        app.UseEdgePolicies();
        EdgeHost? host = null;
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref host!._hits);
            return next(context);
        });
        app.MapGet("/v1/echo", (HttpRequest request) =>
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
        app.MapPost("/v1/upload", async (HttpRequest request) =>
        {
            var length = 0L;
            var buffer = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                length += read;
            }

            return Results.Ok(length);
        });
        app.MapPost("/v1/accounts", () => Results.StatusCode(StatusCodes.Status201Created)).AllowAnonymous();
        app.MapPost("/v1/links/resolve", () => Results.Problem(statusCode: 404)).AllowAnonymous();
        app.MapGet("/health/live", () => "ok");
        app.MapGet("/v1/admin", () => "never").RequireAuthorization(policy => policy.RequireClaim("role", "admin"));
        await app.StartAsync();
        host = new EdgeHost(app, dataDir);
        return host;
    }

    /// <summary>A valid token for <paramref name="accountId"/>/<paramref name="deviceId"/>.</summary>
    public string Token(string accountId = "AAECAwQFBgcICQoLDA0ODw", int deviceId = 1) =>
        Cloudy.Identity.Tests.TokenForge.Mint(Keys, accountId, deviceId);

    /// <summary>Sends with a bearer token.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Http.SendAsync(request);
    }

    /// <summary>POSTs a link resolution, optionally with a bearer token.</summary>
    public Task<HttpResponseMessage> ResolveAsync(string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/links/resolve") { Content = new StringContent("{}") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
