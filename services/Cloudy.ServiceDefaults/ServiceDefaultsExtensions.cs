using Cloudy.ServiceDefaults;
using Cloudy.Store.Durability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>The defaults every Cloudy host (service, gateway, embedded host) starts with.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// OpenTelemetry, health checks (a process-only liveness check; readiness checks come from the
    /// store and bus registrations), RFC 7807 problem details for every error, OpenAPI, and minimal-API
    /// binding errors raised as exceptions so they become 400 problem details.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCloudyTelemetry();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [DefaultEndpoints.LiveTag]);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadInputExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>
    /// Adds the exception handler and status-code pages (every error body is problem details) and maps
    /// <c>/health/live</c>, <c>/health/ready</c> and <c>/openapi/v1.json</c>, all anonymous;
    /// with <c>Bus:Adapter=Dapr</c> also the Dapr subscription endpoints.
    /// Call it right after <c>Build()</c>, before the service endpoints.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStoreDurability();   // embedded Garnet: a write's response waits until the write is on disk

        app.MapHealthChecks(DefaultEndpoints.LivePath, Probe(DefaultEndpoints.LiveTag)).AllowAnonymous();
        app.MapHealthChecks(DefaultEndpoints.ReadyPath, Probe(DefaultEndpoints.ReadyTag)).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapDaprEventBus();   // a no-op unless Bus:Adapter=Dapr registered the Dapr adapter
        return app;
    }

    private static HealthCheckOptions Probe(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = DefaultEndpoints.WriteHealthAsync,
    };
}
