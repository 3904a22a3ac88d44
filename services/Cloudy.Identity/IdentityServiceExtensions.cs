using Cloudy.Contracts;
using Cloudy.Contracts.Identity;
using Cloudy.EventBus;
using Cloudy.Identity;
using Cloudy.Identity.Endpoints;
using Cloudy.Identity.Http;
using Cloudy.Identity.Storage;
using Cloudy.Identity.Tokens;
using Cloudy.Security;
using Cloudy.ServiceDefaults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the identity service into a host (its own process or the embedded host).</summary>
public static class IdentityServiceExtensions
{
    /// <summary>The consumer group of identity's event handlers.</summary>
    public const string ConsumerGroup = "identity";

    /// <summary>
    /// Registers identity: its rules (section <c>Identity</c>), store access, token issuing with the
    /// signing keys, token validation, and its <c>AccountDeleted</c> consumer. Adds no middleware.
    /// Needs an <c>IConnectionMultiplexer</c> (AddCloudyStore) and an <c>IEventBus</c> (AddCloudyEventBus).
    /// </summary>
    public static IHostApplicationBuilder AddIdentityService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCloudyAuthentication();
        var services = builder.Services;
        services.AddSingleton(builder.Configuration.GetSection(IdentityOptions.Section).Get<IdentityOptions>() ?? new IdentityOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IdentityStore>();
        services.AddSingleton<TokenIssuer>();
        services.AddJsonTypeInfoResolver(IdentityJsonContext.Default);
        services.AddEventHandler<AccountDeleted, AccountDeletedPurge>(Topics.Identity, ConsumerGroup);
        return builder;
    }

    /// <summary>Maps the identity endpoints (<c>/v1/accounts</c>, <c>/v1/auth</c>, <c>/v1/devices</c>, <c>/v1/links</c>, JWKS).</summary>
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        AccountEndpoints.Map(routes);
        AuthEndpoints.Map(routes);
        DeviceEndpoints.Map(routes);
        LinkEndpoints.Map(routes);
        JwksEndpoint.Map(routes);
        return routes;
    }
}
