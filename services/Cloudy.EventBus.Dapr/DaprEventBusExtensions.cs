using System.Security.Cryptography;
using System.Text;
using Cloudy.EventBus.Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the Dapr event-bus adapter.</summary>
public static class DaprEventBusExtensions
{
    // Same tag as ServiceDefaults' readiness probe (this project cannot reference it: ServiceDefaults references us).
    private const string ReadyTag = "ready";

    /// <summary>
    /// Registers <see cref="Cloudy.EventBus.IEventBus"/> backed by the Dapr sidecar, reading the <c>Dapr</c> section and
    /// the sidecar injector's variables (<c>DAPR_HTTP_ENDPOINT</c>, <c>DAPR_HTTP_PORT</c>, <c>DAPR_API_TOKEN</c>,
    /// <c>APP_API_TOKEN</c>, <c>APP_ID</c>) from <paramref name="configuration"/>, plus a readiness check on the sidecar.
    /// Pair with <see cref="MapDaprEventBus"/> so the sidecar can deliver.
    /// </summary>
    public static IServiceCollection AddDaprEventBus(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = ResolveOptions(configuration);
        services.AddSingleton(Options.Options.Create(options));
        services.AddSingleton<DaprSubscriptionDispatcher>();
        services.AddHttpClient(DaprSidecar.HttpClientName, http => http.BaseAddress = options.SidecarHttpEndpoint);
        services.AddSingleton<Cloudy.EventBus.IEventBus, DaprEventBus>();
        services.AddHealthChecks().AddCheck<DaprSidecarHealthCheck>("dapr", tags: [ReadyTag]);
        return services;
    }

    /// <summary>
    /// Adds the CloudEvents middleware, <c>GET /dapr/subscribe</c> (one programmatic subscription per subscribed topic,
    /// dead-letter topic <c>&lt;topic&gt;.dlq</c>) and one delivery endpoint per topic. Does nothing when
    /// <see cref="AddDaprEventBus"/> was not called, so a host can call it whatever adapter is configured.
    /// </summary>
    public static WebApplication MapDaprEventBus(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var dispatcher = app.Services.GetService<DaprSubscriptionDispatcher>();
        if (dispatcher is null)
        {
            return app;
        }

        var options = app.Services.GetRequiredService<IOptions<DaprEventBusOptions>>().Value;
        app.UseCloudEvents();   // unwraps application/cloudevents+json so the endpoint reads the event's data
        // Anonymous to JWT auth (the sidecar has no user token); guarded by the app token and by the gateway never routing /dapr.
        var group = app.MapGroup(string.Empty).ExcludeFromDescription().AllowAnonymous()
            .AddEndpointFilter(async (context, next) =>
                IsFromSidecar(context.HttpContext, options) ? await next(context) : Results.Unauthorized());

        group.MapGet("/dapr/subscribe", () => Results.Json(dispatcher.Subscriptions(), DaprJsonContext.Default.DaprSubscriptionArray));
        foreach (var topic in dispatcher.Topics)
        {
            // Two parameters, so this binds as a route handler whose IResult is written (not as a RequestDelegate).
            group.MapPost(dispatcher.RouteFor(topic), async (HttpRequest request, CancellationToken cancellationToken) =>
                Results.Json(
                    await dispatcher.DeliverAsync(topic, request.Body, cancellationToken),
                    DaprJsonContext.Default.DaprAppResponse));
        }

        return app;
    }

    private static DaprEventBusOptions ResolveOptions(IConfiguration configuration)
    {
        var bound = configuration.GetSection(DaprEventBusOptions.SectionName).Get<DaprEventBusOptions>() ?? new DaprEventBusOptions();
        var endpoint = bound.SidecarHttpEndpoint
            ?? (configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } e ? new Uri(e)
                : new Uri($"http://127.0.0.1:{configuration["DAPR_HTTP_PORT"] ?? "3500"}"));
        return bound with
        {
            // A trailing slash keeps a path prefix when the publish path is resolved against it.
            SidecarHttpEndpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/"),
            ApiToken = bound.ApiToken ?? configuration["DAPR_API_TOKEN"],
            AppApiToken = bound.AppApiToken ?? configuration["APP_API_TOKEN"],
            AppId = configuration[$"{DaprEventBusOptions.SectionName}:AppId"] ?? configuration["APP_ID"] ?? bound.AppId,
        };
    }

    // With an app token configured, only the sidecar (which sends it) may call the Dapr endpoints.
    private static bool IsFromSidecar(HttpContext http, DaprEventBusOptions options)
    {
        if (string.IsNullOrEmpty(options.AppApiToken))
        {
            return true;
        }

        var presented = http.Request.Headers[DaprSidecar.ApiTokenHeader].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(options.AppApiToken));
    }
}
