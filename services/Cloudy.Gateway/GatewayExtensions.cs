using Cloudy.Edge;
using Cloudy.Gateway;
using Cloudy.Security;
using Cloudy.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the gateway.</summary>
public static class GatewayExtensions
{
    /// <summary>
    /// Registers the edge policies and YARP with routes and clusters from section <c>ReverseProxy</c>
    /// (cluster addresses overridable by env, e.g. <c>ReverseProxy__Clusters__identity__Destinations__d1__Address</c>).
    /// The gateway validates tokens against identity's JWKS, so <c>Auth:JwksUrl</c> is required.
    /// </summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration[AuthOptions.Section + ":" + nameof(AuthOptions.JwksUrl)]))
        {
            // Without it the gateway would mint a key of its own and refuse every real token.
            throw new InvalidOperationException("The gateway needs Auth:JwksUrl (identity's /.well-known/jwks.json).");
        }

        builder.AddEdgePolicies();
        builder.Services.AddHttpClient(JwksReadinessCheck.Name);
        builder.Services.AddHealthChecks().AddCheck<JwksReadinessCheck>(JwksReadinessCheck.Name, tags: [DefaultEndpoints.ReadyTag]);
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        return builder;
    }

    /// <summary>Adds the edge middleware and maps the proxy. WebSocket upgrades are proxied as-is.</summary>
    public static IEndpointRouteBuilder MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseEdgePolicies();
        app.MapReverseProxy();
        return app;
    }
}
