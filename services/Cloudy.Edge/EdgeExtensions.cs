using Cloudy.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cloudy.Edge;

/// <summary>Wires the edge policies into a host (the gateway or the embedded host).</summary>
public static class EdgeExtensions
{
    /// <summary>
    /// Registers the edge: Cloudy token validation, a fallback authorization policy that requires a
    /// valid token everywhere except anonymous endpoints and <see cref="EdgeOptions.AnonymousPathPrefixes"/>,
    /// and the partitioned rate limiter.
    /// </summary>
    public static IHostApplicationBuilder AddEdgePolicies(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>() ?? new EdgeOptions();
        builder.Services.AddSingleton(options);
        builder.AddCloudyAuthentication();

        builder.Services.Configure<AuthorizationOptions>(authorization =>
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder()
                .RequireAssertion(context => IsAnonymousPath(context.Resource, options) || HasCloudyIdentity(context))
                .Build());

        builder.Services.AddRateLimiter(rateLimiter => EdgeRateLimiting.Configure(rateLimiter, options.RateLimits));
        return builder;
    }

    /// <summary>
    /// Adds the edge middleware in its required order: strip identity headers first, then body
    /// limits, authentication, rate limiting (after authentication so accounts can be partitioned),
    /// and authorization. Call before mapping endpoints or the reverse proxy.
    /// </summary>
    public static IApplicationBuilder UseEdgePolicies(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<EdgeOptions>();
        if (options.TrustedProxies.Length > 0)
        {
            app.UseForwardedHeaders(TrustedForwarding.Options(options.TrustedProxies));
        }

        app.UseMiddleware<IdentityHeaderStripping>();
        app.UseMiddleware<BodySizeLimit>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    private static bool HasCloudyIdentity(AuthorizationHandlerContext context) =>
        context.User.Identity?.IsAuthenticated == true
        && context.User.TryGetAccountId(out _)
        && context.User.TryGetDeviceId(out _);

    private static bool IsAnonymousPath(object? resource, EdgeOptions options)
    {
        var path = resource switch
        {
            HttpContext http => http.Request.Path,
            _ => PathString.Empty,
        };
        return options.AnonymousPathPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
    }
}
